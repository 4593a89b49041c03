using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using McpGateway.Core.Recording;
using McpGateway.Inspectors.Recording;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Benchmarks.Recording;

/// <summary>
/// The serial writer's floor, today's against a segment log's, on the same sealed records (sealed once, as the pumps
/// hand them over): one operation is one group commit of <see cref="GroupSize"/> records, and the µs/record column
/// divides it by the group. <see cref="SqliteRowsFull"/> and <see cref="SqliteRowsNormal"/> are the current writer path
/// (<c>CommitSealedAsync</c> of the SQLite store: chain link, tree append and stored nodes, one 26-column row per record,
/// one transaction; durability full and normal); the segment cases append the group's leaf bytes, length-prefixed,
/// and a tree head with one positioned write and one flush (<see cref="SegmentLogWriter"/>: fsync on a growing file,
/// fdatasync on a preallocated one, or none). <see cref="Seal"/> is the pumps' share per record (leaf bytes and leaf hash),
/// paid in parallel, outside the writer; <see cref="IndexLeanRows"/> the segment design's query index, written after the
/// acknowledgement but on the same cores. The µs/record of a synced case is wall time: mostly the disk's flush at small
/// groups, the writer's CPU at large ones (the unsynced cases).
/// </summary>
[Config(typeof(PerRecordConfig))]
[MemoryDiagnoser]
public class SegmentLogBenchmarks : IDisposable
{
    private const int Records = GroupCommitWriter.MaxBatch;
    private const long SegmentBytes = 64L << 20;

    private readonly AuditRecord[] _records = new AuditRecord[Records];
    private readonly SealedAuditRecord[] _sealed = new SealedAuditRecord[Records];
    private string _directory = null!;
    private SqliteAuditStore _full = null!;
    private SqliteAuditStore _normal = null!;
    private SegmentLogWriter _fsync = null!;
    private SegmentLogWriter _fdatasync = null!;
    private SegmentLogWriter _unsynced = null!;
    private LeanIndexWriter _index = null!;
    private int _next;

    /// <summary>Records per group commit: one pump's frame, a read batch, a busy writer, the writer's largest batch.</summary>
    [Params(1, 16, 256, Records)]
    public int GroupSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"mcpgw-bench-segment-{Environment.ProcessId}-{GroupSize}");
        Directory.CreateDirectory(_directory);
        for (var i = 0; i < Records; i++)
        {
            _records[i] = AuditRecordSamples.Frame(i, 32);
            _sealed[i] = SealedAuditRecord.Seal(_records[i]);
        }

        _full = Store("full.db", syncCommits: true);
        _normal = Store("normal.db", syncCommits: false);
        _fsync = new SegmentLogWriter(Path.Combine(_directory, "fsync.seg"), SegmentBytes, SegmentSync.Fsync, TimeProvider.System);
        _fdatasync = new SegmentLogWriter(Path.Combine(_directory, "fdatasync.seg"), SegmentBytes, SegmentSync.Fdatasync, TimeProvider.System);
        _unsynced = new SegmentLogWriter(Path.Combine(_directory, "unsynced.seg"), SegmentBytes, SegmentSync.None, TimeProvider.System);
        _index = new LeanIndexWriter(Path.Combine(_directory, "index.db"));
        CheckSegmentReadsBack();
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _full.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _normal.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _fsync.Dispose();
        _fdatasync.Dispose();
        _unsynced.Dispose();
        _index.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Today's writer path, durability full (synchronous FULL: the WAL is fsynced at each commit).</summary>
    [Benchmark(Baseline = true)]
    public void SqliteRowsFull() => ((IAuditBatchSink)_full).CommitSealedAsync(NextGroup(), CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Today's writer path, durability normal (no fsync at commit).</summary>
    [Benchmark]
    public void SqliteRowsNormal() => ((IAuditBatchSink)_normal).CommitSealedAsync(NextGroup(), CancellationToken.None).GetAwaiter().GetResult();

    [Benchmark]
    public void SegmentFsync() => _fsync.Append(NextGroup());

    [Benchmark]
    public void SegmentFdatasync() => _fdatasync.Append(NextGroup());

    /// <summary>The segment path's CPU: the same write, no flush.</summary>
    [Benchmark]
    public void SegmentUnsynced() => _unsynced.Append(NextGroup());

    /// <summary>The segment log's query index, off the acknowledgement path: lean rows (13 integer and short-text columns), <c>synchronous = NORMAL</c>.</summary>
    [Benchmark]
    public void IndexLeanRows() => _index.Index(NextGroup());

    /// <summary>What the pumps pay per record before the writer, in their own threads: leaf bytes and leaf hash.</summary>
    [Benchmark]
    public int Seal()
    {
        var leafBytes = 0;
        foreach (var sealedRecord in NextGroup())
        {
            leafBytes += SealedAuditRecord.Seal(sealedRecord.Record).Leaf.Length;
        }

        return leafBytes;
    }

    /// <summary>The next <see cref="GroupSize"/> records, round the sealed ones.</summary>
    private ArraySegment<SealedAuditRecord> NextGroup()
    {
        if (_next + GroupSize > Records)
        {
            _next = 0;
        }

        var group = new ArraySegment<SealedAuditRecord>(_sealed, _next, GroupSize);
        _next += GroupSize;
        return group;
    }

    private SqliteAuditStore Store(string file, bool syncCommits) =>
        new(Path.Combine(_directory, file), 4096, TimeSpan.FromSeconds(10), TimeProvider.System, NullLogger.Instance) { SyncCommits = syncCommits };

    /// <summary>A benchmark of a log that does not read back measures nothing: three groups, then recovery must find them all, and cut a torn fourth.</summary>
    private void CheckSegmentReadsBack()
    {
        var path = Path.Combine(_directory, "check.seg");
        using (var writer = new SegmentLogWriter(path, SegmentBytes, SegmentSync.None, TimeProvider.System))
        {
            writer.Append(new ArraySegment<SealedAuditRecord>(_sealed, 0, 1));
            writer.Append(new ArraySegment<SealedAuditRecord>(_sealed, 1, 16));
            writer.Append(new ArraySegment<SealedAuditRecord>(_sealed, 17, 256));
            writer.Append(new ArraySegment<SealedAuditRecord>(_sealed, 273, 16));
        }

        var bytes = File.ReadAllBytes(path);
        var torn = bytes.AsSpan(0, bytes.Length - 1);
        if (SegmentLogReader.Scan(bytes) != (4, 289, bytes.Length) || SegmentLogReader.Scan(torn).Leaves != 273)
        {
            throw new InvalidOperationException("the segment log does not read back what was appended");
        }

        File.Delete(path);
    }

    private sealed class PerRecordConfig : ManualConfig
    {
        public PerRecordConfig() => AddColumn(new PerRecordColumn());
    }
}
