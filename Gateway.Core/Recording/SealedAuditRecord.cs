using System.Buffers;
using System.Security.Cryptography;

namespace McpGateway.Core.Recording;

/// <summary>
/// A record made ready for the log where it was made (in the pump that saw the frame, in parallel with every other
/// pump): its leaf bytes (<c>0x00 || leaf</c>, format 2, see <see cref="AuditHashChain"/>), its leaf hash, and where each
/// text and bytes value lies in the leaf bytes, so a store binds its row from them. What is left for the single writer
/// is what needs the order: the sequence, the chain link and the tree append.
/// </summary>
internal sealed class SealedAuditRecord
{
    private SealedAuditRecord(AuditRecord record, byte[] leaf, (int Offset, int Length)[] values, byte[] leafHash)
    {
        Record = record;
        Leaf = leaf;
        Values = values;
        LeafHash = leafHash;
    }

    public AuditRecord Record { get; }

    /// <summary><c>0x00 || leaf</c>: what the leaf hash covers.</summary>
    public byte[] Leaf { get; }

    /// <summary>Where each text and bytes value's UTF-8 lies in <see cref="Leaf"/> (see <see cref="AuditHashChain.WriteLeaf"/>); <c>Offset</c> -1 for null.</summary>
    public (int Offset, int Length)[] Values { get; }

    /// <summary><c>SHA-256(0x00 || leaf)</c>.</summary>
    public byte[] LeafHash { get; }

    /// <summary>One buffer and one hasher per thread: a one-shot hash makes OpenSSL set up and free a context each time.</summary>
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static IncrementalHash? t_sha;

    /// <summary>Encodes and hashes <paramref name="record"/> on the calling thread.</summary>
    public static SealedAuditRecord Seal(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var sha = t_sha ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        buffer.ResetWrittenCount();
        var values = new (int Offset, int Length)[AuditHashChain.ValueCount];
        AuditHashChain.WriteLeaf(buffer, record, values);
        var leaf = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 64 * 1024)
        {
            // A large payload passed through: do not keep its buffer for every later record of this thread.
            t_buffer = null;
        }

        var leafHash = new byte[AuditHashChain.HashSize];
        sha.AppendData(leaf);
        sha.GetHashAndReset(leafHash);
        return new SealedAuditRecord(record, leaf, values, leafHash);
    }
}
