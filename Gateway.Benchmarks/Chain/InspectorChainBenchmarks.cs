using System.Buffers;
using BenchmarkDotNet.Attributes;
using McpGateway.Core.Chain;
using McpGateway.Core.Framing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Benchmarks.Chain;

/// <summary>
/// <see cref="InspectorChain"/>.RunAsync on one borrowed <c>tools/call</c> frame, with 0, 1 and 5 synchronous
/// pass-through inspectors. Expected: no allocation whatever the length, a few ns per inspector.
/// </summary>
[MemoryDiagnoser]
public class InspectorChainBenchmarks
{
    private InspectorChain _chain = null!;
    private McpFrame _frame = null!;

    [Params(0, 1, 5)]
    public int Inspectors { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var inspectors = Enumerable.Range(1, Inspectors).Select(i => new PassThroughInspector($"pass-{i}")).ToArray();
        using var services = new ServiceCollection().BuildServiceProvider();
        _chain = InspectorChainBuilder.Build(
            inspectors.Select(i => new InspectorRegistration(i.Name, ChainSlot.Middle, _ => i)),
            inspectors.Select(i => i.Name).ToArray(),
            services,
            NullLogger.Instance);
        var payload = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello"}}}"""u8.ToArray();
        _frame = new McpFrame(new BenchmarkSession(), FrameDirection.ClientToUpstream);
        _frame.Reset(
            new ReadOnlySequence<byte>(payload),
            new FrameEnvelope(MessageKind.Request, JsonRpcId.FromNumber(1), McpMethods.ToolsCall, true, "echo", JsonRpcId.None),
            null,
            null,
            1);
    }

    [Benchmark]
    public VerdictKind RunAsync()
    {
        var pending = _chain.RunAsync(_frame, 0, CancellationToken.None);
        if (!pending.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException("a chain of synchronous inspectors must complete synchronously");
        }

        return pending.Result.Verdict.Kind;
    }
}
