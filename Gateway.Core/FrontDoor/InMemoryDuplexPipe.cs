using System.IO.Pipelines;

namespace McpGateway.Core.FrontDoor;

/// <summary>The client side of a gateway session that an HTTP session drives instead of a socket.</summary>
internal sealed class InMemoryDuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
{
    public PipeReader Input { get; } = input;

    public PipeWriter Output { get; } = output;
}
