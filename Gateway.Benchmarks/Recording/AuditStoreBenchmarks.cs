using System.Buffers;
using BenchmarkDotNet.Attributes;
using McpGateway.Core.Recording;
using McpGateway.Inspectors.Recording;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Benchmarks.Recording;

/// <summary>
/// The cost of recording one frame in the SQLite store, as the session's recording stage pays it for relayed frames: 16 sessions each append
/// 32 forwarded-frame records (a 256-byte <c>tools/call</c> payload, its SHA-256, id, method, tool) without waiting,
/// then await them all, so they share group commits like a pump batch does. One operation is one record; the time
/// covers the queue, the hash chain, the insert and the commit (durability full: fsync per commit; normal: none).
/// <see cref="CommitOneBatch"/> is the store's share: the same records as one batch straight to the store, and
/// <see cref="ChainHashOnly"/> the part of that spent encoding and hashing the chain.
/// </summary>
[MemoryDiagnoser]
public class AuditStoreBenchmarks : IDisposable
{
    private const int Sessions = 16;
    private const int PerSession = 32;

    private readonly AuditRecord[] _records = new AuditRecord[Sessions * PerSession];
    private readonly Task[] _appends = new Task[Sessions];
    private readonly ArrayBufferWriter<byte> _canonical = new(4096);
    private readonly (int Offset, int Length)[] _values = new (int, int)[AuditHashChain.ValueCount];
    private readonly byte[] _hash = new byte[AuditHashChain.HashSize];
    private readonly byte[] _leaf = new byte[AuditHashChain.HashSize];
    private string _directory = null!;
    private SqliteAuditStore _store = null!;

    [Params("full", "normal")]
    public string Durability { get; set; } = "full";

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"mcpgw-bench-audit-{Environment.ProcessId}-{Durability}");
        Directory.CreateDirectory(_directory);
        _store = new SqliteAuditStore(Path.Combine(_directory, "audit.db"), 4096, TimeSpan.FromSeconds(10), TimeProvider.System, NullLogger.Instance)
        {
            SyncCommits = Durability == "full",
        };
        for (var i = 0; i < _records.Length; i++)
        {
            _records[i] = AuditRecordSamples.Frame(i, PerSession);
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_directory, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Benchmark(OperationsPerInvoke = Sessions * PerSession)]
    public async Task AppendForwardedFrames()
    {
        for (var s = 0; s < Sessions; s++)
        {
            _appends[s] = AppendSessionAsync(s);
        }

        await Task.WhenAll(_appends).ConfigureAwait(false);
    }

    /// <summary>The store alone: the same 512 records committed as one batch, without the queue and the waiting.</summary>
    [Benchmark(OperationsPerInvoke = Sessions * PerSession)]
    public Task CommitOneBatch() => ((IAuditBatchSink)_store).CommitAsync(_records, CancellationToken.None);

    /// <summary>The hashing share: each record's leaf (canonical bytes and their SHA-256), then its link after the previous hash.</summary>
    [Benchmark(OperationsPerInvoke = Sessions * PerSession)]
    public int ChainHashOnly()
    {
        foreach (var record in _records)
        {
            _canonical.ResetWrittenCount();
            AuditHashChain.HashLeaf(_canonical, record, _values, _leaf);
            AuditHashChain.Link(_hash, record.FrameSequence!.Value, _leaf, _hash);
        }

        return _hash[0];
    }

    private async Task AppendSessionAsync(int session)
    {
        // A pump enqueues its whole read batch, then waits for the commits in order.
        var pending = new Task[PerSession];
        for (var i = 0; i < PerSession; i++)
        {
            pending[i] = _store.AppendAsync(_records[session * PerSession + i], CancellationToken.None).AsTask();
        }

        foreach (var append in pending)
        {
            await append.ConfigureAwait(false);
        }
    }
}
