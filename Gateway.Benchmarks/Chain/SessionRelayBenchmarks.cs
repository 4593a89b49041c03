using BenchmarkDotNet.Attributes;

namespace McpGateway.Benchmarks.Chain;

/// <summary>
/// The whole per-frame relay path of a session without sockets: framing, envelope scan, pending table, the
/// production chain (authentication plus pass-through middles), and the copy to the peer, both ways. One operation
/// is one frame relayed each way (a request and its 256-byte response). Goal: 0 bytes allocated per operation.
/// </summary>
[MemoryDiagnoser]
public class SessionRelayBenchmarks : IDisposable
{
    private const int Batch = 16;
    private const int FrameBytes = 256;

    private RelayRig _single = null!;
    private RelayRig _batch = null!;

    [Params(0, 5)]
    public int MiddleInspectors { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _single = new RelayRig(MiddleInspectors, 1, FrameBytes);
        _single.Start();
        _batch = new RelayRig(MiddleInspectors, Batch, FrameBytes);
        _batch.Start();
        for (var i = 0; i < 1000; i++)
        {
            _single.RoundTrip();
            _batch.RoundTrip();
        }

        Console.WriteLine($"// relay chain: {_single.Describe.ReplaceLineEndings(" | ")}");
        Console.WriteLine($"// allocated per frame pair, one frame per flush: {Probe(_single, 1):F1} B; {Batch} frames per flush: {Probe(_batch, Batch):F1} B");
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _single?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _batch?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    /// <summary>One request and its response, each with its own flush.</summary>
    [Benchmark(Baseline = true)]
    public long OneFramePerFlush() => _single.RoundTrip();

    /// <summary>16 pipelined requests, then their 16 responses, one flush each way; per frame pair.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public long SixteenFramesPerFlush() => _batch.RoundTrip();

    private static double Probe(RelayRig rig, int framesPerRoundTrip)
    {
        const int RoundTrips = 10_000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < RoundTrips; i++)
        {
            rig.RoundTrip();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)(RoundTrips * framesPerRoundTrip);
    }
}
