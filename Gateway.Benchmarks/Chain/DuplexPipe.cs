using System.IO.Pipelines;

namespace McpGateway.Benchmarks.Chain;

/// <summary>The client side of an in-memory connection, as Kestrel's transport would hand it to the session.</summary>
internal sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
{
    public PipeReader Input { get; } = input;

    public PipeWriter Output { get; } = output;
}
