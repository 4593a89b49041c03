using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace McpGateway.Core.Recording;

/// <summary>
/// Signs chain heads with an ECDSA P-256 key read from a PEM file (the store never holds it), SHA-256, IEEE P1363
/// format. A linked checkpoint's signature covers <c>"mcpgw-audit-checkpoint-v2" || sequence || hash || time ||
/// counter || previous digest || kind || interval ms</c> (big-endian integers, kind one byte); a tree head (a linked
/// checkpoint with the log's Merkle root, which gateways sign now) covers <c>"mcpgw-audit-checkpoint-v3"</c> and the same
/// fields, then the root of the tree of <c>sequence</c> leaves. Its digest, which the next checkpoint commits to, is the
/// SHA-256 of those bytes. A legacy checkpoint's covers <c>"mcpgw-audit-checkpoint-v1" || sequence || hash || time</c>.
/// </summary>
internal sealed class CheckpointSigner : IDisposable
{
    private static readonly byte[] Domain = Encoding.ASCII.GetBytes("mcpgw-audit-checkpoint-v1");

    private static readonly byte[] LinkedDomain = Encoding.ASCII.GetBytes("mcpgw-audit-checkpoint-v2");

    private static readonly byte[] TreeHeadDomain = Encoding.ASCII.GetBytes("mcpgw-audit-checkpoint-v3");

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

    /// <summary>A legacy checkpoint, linked to nothing; what gateways before linked checkpoints wrote.</summary>
    public AuditCheckpoint Sign(long sequence, byte[] hash, long timeMicros) =>
        new(sequence, hash, timeMicros, _key.SignData(Payload(Domain, sequence, hash, timeMicros), HashAlgorithmName.SHA256));

    /// <summary>A checkpoint linked to <paramref name="previous"/> (null or legacy: the first of a new chain, counter 1).</summary>
    public AuditCheckpoint SignLinked(long sequence, byte[] hash, long timeMicros, AuditCheckpoint? previous, CheckpointKind kind, TimeSpan interval) =>
        SignHead(sequence, hash, null, timeMicros, previous, kind, interval);

    /// <summary>A tree head: a linked checkpoint that also signs <paramref name="head"/>'s Merkle root (tree size = its sequence).</summary>
    public AuditCheckpoint SignTreeHead(AuditTreeHead head, long timeMicros, AuditCheckpoint? previous, CheckpointKind kind, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(head);
        return SignHead(head.Size, head.Hash, head.Root, timeMicros, previous, kind, interval);
    }

    private AuditCheckpoint SignHead(long sequence, byte[] hash, byte[]? root, long timeMicros, AuditCheckpoint? previous, CheckpointKind kind, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(hash);
        var unsigned = new AuditCheckpoint(sequence, hash, timeMicros, [])
        {
            Root = root,
            Counter = previous is { Counter: { } counter } ? counter + 1 : 1,
            PreviousDigest = previous is { IsLinked: true } ? Digest(previous) : new byte[AuditHashChain.HashSize],
            Kind = kind,
            IntervalMillis = (long)interval.TotalMilliseconds,
        };
        return unsigned with { Signature = _key.SignData(LinkedPayload(unsigned), HashAlgorithmName.SHA256) };
    }

    /// <summary>What the next linked checkpoint commits to: SHA-256 of what this one's signature covers.</summary>
    public static byte[] Digest(AuditCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (!checkpoint.IsLinked)
        {
            throw new ArgumentException("a legacy checkpoint has no digest", nameof(checkpoint));
        }

        return SHA256.HashData(LinkedPayload(checkpoint));
    }

    private static byte[] LinkedPayload(AuditCheckpoint checkpoint)
    {
        var head = Payload(checkpoint.Root is null ? LinkedDomain : TreeHeadDomain, checkpoint.Sequence, checkpoint.Hash, checkpoint.TimeMicros);
        var previous = checkpoint.PreviousDigest ?? [];
        var root = checkpoint.Root ?? [];
        var payload = new byte[head.Length + 8 + previous.Length + 1 + 8 + root.Length];
        head.CopyTo(payload, 0);
        var at = head.Length;
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(at), checkpoint.Counter ?? 0);
        previous.CopyTo(payload, at + 8);
        at += 8 + previous.Length;
        payload[at] = (byte)checkpoint.Kind;
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(at + 1), checkpoint.IntervalMillis);
        root.CopyTo(payload, at + 1 + 8);
        return payload;
    }

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
        if ((checkpoint.IsLinked && checkpoint.PreviousDigest is not { Length: AuditHashChain.HashSize })
            || (checkpoint.Root is not null && (!checkpoint.IsLinked || checkpoint.Root.Length != MerkleTree.HashSize)))
        {
            return false;
        }

        var payload = checkpoint.IsLinked ? LinkedPayload(checkpoint) : Payload(Domain, checkpoint.Sequence, checkpoint.Hash, checkpoint.TimeMicros);
        return publicKey.VerifyData(payload, checkpoint.Signature, HashAlgorithmName.SHA256);
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
