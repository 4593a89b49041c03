using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using McpGateway.Benchmarks.Load;
using McpGateway.Core.Recording;
using McpGateway.Inspectors.Recording;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Benchmarks.Recording;

/// <summary>
/// The PostgreSQL store's share of recording, on a throwaway cluster (peers/pg-throwaway.sh: fsync off): one group
/// commit of 512 forwarded-frame records (256-byte payloads) into one log, by binary <c>COPY</c> against one
/// <c>INSERT</c> per record in one batch. One operation is one record; the time covers the lock and head, the hash
/// chain, the tree, the rows and the commit.
/// </summary>
[MemoryDiagnoser]
public class PostgresAuditStoreBenchmarks : IDisposable
{
    private const int Batch = 512;

    private readonly AuditRecord[] _records = new AuditRecord[Batch];
    private ThrowawayCluster _cluster = null!;
    private PostgresAuditStore _store = null!;

    [Params("copy", "insert")]
    public string Append { get; set; } = "copy";

    [GlobalSetup]
    public void Setup()
    {
        _cluster = ThrowawayCluster.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _store = new PostgresAuditStore(_cluster.ConnectionString, 4096, TimeSpan.FromSeconds(10), TimeProvider.System, NullLogger.Instance, logId: "bench")
        {
            AppendByCopy = Append == "copy",
        };
        for (var i = 0; i < _records.Length; i++)
        {
            _records[i] = Record(i);
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _store.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public Task CommitOneBatch() => ((IAuditBatchSink)_store).CommitAsync(_records, CancellationToken.None);

    private static AuditRecord Record(int i)
    {
        var payload = Encoding.UTF8.GetBytes(
            "{\"jsonrpc\":\"2.0\",\"id\":" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)
            + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"" + new string('x', 180) + "\"}}}");
        return new AuditRecord
        {
            TimeMicros = 1_765_000_000_000_000 + i,
            Kind = AuditEventKind.Frame,
            SessionId = $"session-{i / 32:D4}",
            Subject = "load-client",
            Connection = "fast",
            Direction = i % 2 == 0 ? "client_to_upstream" : "upstream_to_client",
            FrameSequence = i,
            MessageKind = i % 2 == 0 ? "request" : "response",
            RpcId = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Method = "tools/call",
            Tool = "echo",
            Verdict = "forwarded",
            Size = payload.Length,
            PayloadSha256 = Convert.ToHexStringLower(SHA256.HashData(payload)),
            Payload = payload,
        };
    }
}
