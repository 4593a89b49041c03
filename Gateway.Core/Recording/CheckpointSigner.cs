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

    private static readonly byte[] AnchorDomain = Encoding.ASCII.GetBytes("mcpgw-audit-anchor-v1");

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
    /// <exception cref="ArgumentException">The text holds no key ECDsa can import.</exception>
    public static ECDsa PublicKeyFromPem(string pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    public AuditCheckpoint Sign(long sequence, byte[] hash, long timeMicros) =>
        new(sequence, hash, timeMicros, _key.SignData(Payload(Domain, sequence, hash, timeMicros), HashAlgorithmName.SHA256));

    /// <summary>Signs a retention anchor: <c>"mcpgw-audit-anchor-v1" || sequence || prev_hash || time</c>, otherwise as a checkpoint.</summary>
    public AuditAnchor SignAnchor(long sequence, byte[] prevHash, long timeMicros) =>
        new(sequence, prevHash, timeMicros, _key.SignData(Payload(AnchorDomain, sequence, prevHash, timeMicros), HashAlgorithmName.SHA256));

    public static bool Verify(ECDsa publicKey, AuditAnchor anchor)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentNullException.ThrowIfNull(anchor);
        return publicKey.VerifyData(Payload(AnchorDomain, anchor.Sequence, anchor.PrevHash, anchor.TimeMicros), anchor.Signature, HashAlgorithmName.SHA256);
    }

    public static bool Verify(ECDsa publicKey, AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentNullException.ThrowIfNull(checkpoint);
        return publicKey.VerifyData(Payload(Domain, checkpoint.Sequence, checkpoint.Hash, checkpoint.TimeMicros), checkpoint.Signature, HashAlgorithmName.SHA256);
    }

    private static byte[] Payload(byte[] domain, long sequence, byte[] hash, long timeMicros)
    {
        var payload = new byte[domain.Length + 8 + hash.Length + 8];
        domain.CopyTo(payload, 0);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(domain.Length), sequence);
        hash.CopyTo(payload, domain.Length + 8);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(domain.Length + 8 + hash.Length), timeMicros);
        return payload;
    }

    public void Dispose() => _key.Dispose();
}
