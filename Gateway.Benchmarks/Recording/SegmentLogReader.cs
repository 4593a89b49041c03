using System.Buffers.Binary;
using System.Security.Cryptography;
using McpGateway.Core.Recording;

namespace McpGateway.Benchmarks.Recording;

/// <summary>
/// Recovery of a <see cref="SegmentLogWriter"/> segment: walks its groups from the start, rehashes every leaf into the
/// tree and keeps a group only when its tree head (size and root) matches what its leaves give. The first group that
/// does not (a torn write: a header, leaves or tree head cut or never written, zeros of a preallocated segment) ends the
/// log: it was never acknowledged, since a group is acknowledged only after its flush.
/// </summary>
internal static class SegmentLogReader
{
    /// <summary>The groups and leaves that hold, and the offset where the log ends (where the next group goes).</summary>
    public static (int Groups, long Leaves, long End) Scan(ReadOnlySpan<byte> segment, long firstLeaf = 0)
    {
        var tree = new MerkleFrontier();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> leafHash = stackalloc byte[AuditHashChain.HashSize];
        var groups = 0;
        var at = 0;
        while (segment.Length - at >= SegmentLogWriter.HeaderBytes + SegmentLogWriter.TreeHeadBytes)
        {
            var header = segment.Slice(at, SegmentLogWriter.HeaderBytes);
            var count = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
            var body = BinaryPrimitives.ReadUInt32BigEndian(header[16..]);
            if (BinaryPrimitives.ReadUInt32BigEndian(header) != SegmentLogWriter.Magic
                || BinaryPrimitives.ReadInt64BigEndian(header[8..]) != firstLeaf + tree.Size
                || body > segment.Length - at - SegmentLogWriter.HeaderBytes - SegmentLogWriter.TreeHeadBytes)
            {
                break;
            }

            var grown = tree.Clone();
            var leaves = segment.Slice(at + SegmentLogWriter.HeaderBytes, (int)body);
            var read = 0u;
            while (leaves.Length >= sizeof(uint) && BinaryPrimitives.ReadUInt32BigEndian(leaves) is var length && length <= leaves.Length - sizeof(uint))
            {
                sha.AppendData(leaves.Slice(sizeof(uint), (int)length));
                sha.GetHashAndReset(leafHash);
                grown.Append(leafHash);
                leaves = leaves[(sizeof(uint) + (int)length)..];
                read++;
            }

            var treeHead = segment.Slice(at + SegmentLogWriter.HeaderBytes + (int)body, SegmentLogWriter.TreeHeadBytes);
            if (read != count || !leaves.IsEmpty
                || BinaryPrimitives.ReadInt64BigEndian(treeHead) != firstLeaf + grown.Size
                || !treeHead[16..].SequenceEqual(grown.Root()))
            {
                break;
            }

            tree = grown;
            groups++;
            at += SegmentLogWriter.HeaderBytes + (int)body + SegmentLogWriter.TreeHeadBytes;
        }

        return (groups, tree.Size, at);
    }
}
