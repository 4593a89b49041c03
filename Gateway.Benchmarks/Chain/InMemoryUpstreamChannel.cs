using System.IO.Pipelines;
using McpGateway.Core.Upstreams;

namespace McpGateway.Benchmarks.Chain;

/// <summary>An upstream that is two in-memory pipes: what the gateway writes, and what the benchmark answers.</summary>
internal sealed class InMemoryUpstreamChannel(PipeReader input, PipeWriter output) : IUpstreamChannel
{
    public PipeReader Input { get; } = input;

    public PipeWriter Output { get; } = output;

    public string Description => "in-memory";

    public async ValueTask DisposeAsync()
    {
        await Output.CompleteAsync().ConfigureAwait(false);
        await Input.CompleteAsync().ConfigureAwait(false);
    }
}
