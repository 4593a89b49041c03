using System.Buffers;
using System.Buffers.Binary;
using McpGateway.Core.Recording;
using Microsoft.Win32.SafeHandles;

namespace McpGateway.Benchmarks.Recording;

/// <summary>
/// The append path of the proposed segment log ("Audit log v3" in docs/performance.md), as little as it takes: each
/// group commit is one record of the file, written with one positioned write and made durable with one flush before
/// anyone is acknowledged. A group is
/// <code>
/// header     magic "MGS1" (u32) | leaf count (u32) | index of its first leaf (u64) | bytes of its leaves (u32) | 0 (u32)
/// leaves     per record: length (u32) | the sealed record's leaf bytes (0x00 || leaf, what its leaf hash covers)
/// tree head  tree size after the group (u64) | time, µs since the epoch (u64) | Merkle root (32 bytes)
/// </code>
/// all integers big-endian. The tree head doubles as the group's checksum: recovery rehashes the leaves, appends them to
/// the tree and compares the root, so a torn or partly written last group (never acknowledged) is found and cut
/// (<see cref="SegmentLogReader"/>). The chain link of today's rows is not on this path: the tree heads commit to
/// every leaf and its place. A full segment starts the next one: a preallocated segment (<see cref="SegmentSync.Fdatasync"/>)
/// is reused from its start, standing in for the next segment prepared ahead; any other is truncated, standing in for
/// a new file. Not a store: the benchmarks' model of its floor.
/// </summary>
internal sealed class SegmentLogWriter : IDisposable
{
    public const uint Magic = 0x4D47_5331;
    public const int HeaderBytes = 24;
    public const int TreeHeadBytes = 48;

    private readonly SafeFileHandle _file;
    private readonly long _segmentBytes;
    private readonly SegmentSync _sync;
    private readonly TimeProvider _timeProvider;
    private readonly MerkleFrontier _tree = new();
    private readonly ArrayBufferWriter<byte> _group = new(1 << 20);
    private long _offset;

    public SegmentLogWriter(string path, long segmentBytes, SegmentSync sync, TimeProvider timeProvider)
    {
        _segmentBytes = segmentBytes;
        _sync = sync;
        _timeProvider = timeProvider;
        _file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        if (sync == SegmentSync.Fdatasync)
        {
            // Written, not only allocated: a write into an allocated but unwritten extent changes the block map, which
            // fdatasync would then have to flush too.
            var zeros = new byte[1 << 20];
            for (long at = 0; at < segmentBytes; at += zeros.Length)
            {
                RandomAccess.Write(_file, zeros.AsSpan(0, (int)Math.Min(zeros.Length, segmentBytes - at)), at);
            }

            RandomAccess.FlushToDisk(_file);
        }
    }

    /// <summary>Leaves in the log so far.</summary>
    public long Size => _tree.Size;

    /// <summary>Appends <paramref name="records"/> as one group and returns once it is durable (as <see cref="SegmentSync"/> says).</summary>
    public void Append(ArraySegment<SealedAuditRecord> records)
    {
        var body = 0;
        foreach (var record in records)
        {
            body += sizeof(uint) + record.Leaf.Length;
        }

        _group.ResetWrittenCount();
        var header = _group.GetSpan(HeaderBytes);
        BinaryPrimitives.WriteUInt32BigEndian(header, Magic);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], (uint)records.Count);
        BinaryPrimitives.WriteInt64BigEndian(header[8..], _tree.Size);
        BinaryPrimitives.WriteUInt32BigEndian(header[16..], (uint)body);
        BinaryPrimitives.WriteUInt32BigEndian(header[20..], 0);
        _group.Advance(HeaderBytes);
        foreach (var record in records)
        {
            var leaf = record.Leaf;
            BinaryPrimitives.WriteUInt32BigEndian(_group.GetSpan(sizeof(uint)), (uint)leaf.Length);
            _group.Advance(sizeof(uint));
            _group.Write(leaf);
            _tree.Append(record.LeafHash);
        }

        var treeHead = _group.GetSpan(TreeHeadBytes);
        BinaryPrimitives.WriteInt64BigEndian(treeHead, _tree.Size);
        BinaryPrimitives.WriteInt64BigEndian(treeHead[8..], (_timeProvider.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond);
        _tree.Root().CopyTo(treeHead[16..]);
        _group.Advance(TreeHeadBytes);

        var bytes = _group.WrittenSpan;
        if (_offset + bytes.Length > _segmentBytes)
        {
            if (_sync != SegmentSync.Fdatasync)
            {
                RandomAccess.SetLength(_file, 0);
            }

            _offset = 0;
        }

        RandomAccess.Write(_file, bytes, _offset);
        _offset += bytes.Length;
        switch (_sync)
        {
            case SegmentSync.Fsync:
                RandomAccess.FlushToDisk(_file);
                break;
            case SegmentSync.Fdatasync:
                PosixFile.DataSync(_file);
                break;
        }
    }

    public void Dispose() => _file.Dispose();
}
