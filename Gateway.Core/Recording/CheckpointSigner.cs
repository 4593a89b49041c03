using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace McpGateway.Core.Recording;

/// <summary>
/// Signs chain heads with an ECDSA P-256 key read from a PEM file (the store never holds it): the signature covers
/// <c>"mcpgw-audit-checkpoint-v1" || sequence || hash || time</c> (big-endian integers), SHA-256, IEEE P1363 format.
/// </summary>
public sealed class CheckpointSigner : IDisposable
{
    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("mcpgw-audit-checkpoint-v1");

    private readonly ECDsa _key;

    private CheckpointSigner(ECDsa key) => _key = key;

    public static CheckpointSigner FromPemFile(string path)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
            if (key.KeySize != 256)
            {
                throw new CryptographicException($"{path}: an ECDSA P-256 key is required");
            }

            return new CheckpointSigner(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>A new P-256 key as PKCS#8 PEM, and its public key as SubjectPublicKeyInfo PEM.</summary>
    public static (string PrivateKeyPem, string PublicKeyPem) GenerateKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return (key.ExportPkcs8PrivateKeyPem(), key.ExportSubjectPublicKeyInfoPem());
    }

    /// <summary>The public half of a private or public key PEM, for verification.</summary>
    public static ECDsa PublicKeyFromPem(string pem)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(pem);
        return key;
    }

    public AuditCheckpoint Sign(long sequence, byte[] hash, long timeMicros) =>
        new(sequence, hash, timeMicros, _key.SignData(Payload(sequence, hash, timeMicros), HashAlgorithmName.SHA256));

    public static bool Verify(ECDsa publicKey, AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentNullException.ThrowIfNull(checkpoint);
        return publicKey.VerifyData(Payload(checkpoint.Sequence, checkpoint.Hash, checkpoint.TimeMicros), checkpoint.Signature, HashAlgorithmName.SHA256);
    }

    private static byte[] Payload(long sequence, byte[] hash, long timeMicros)
    {
        var payload = new byte[Domain.Length + 8 + hash.Length + 8];
        Domain.CopyTo(payload, 0);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(Domain.Length), sequence);
        hash.CopyTo(payload, Domain.Length + 8);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(Domain.Length + 8 + hash.Length), timeMicros);
        return payload;
    }

    public void Dispose() => _key.Dispose();
}
