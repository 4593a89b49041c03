using System.IO.Pipelines;

namespace McpGateway.Tests.Upstreams;

/// <summary>A connection's transport whose output counts the bytes handed to the socket.</summary>
internal sealed class CountingDuplexPipe(IDuplexPipe inner, Action<long> sent) : IDuplexPipe
{
    public PipeReader Input { get; } = inner.Input;

    public PipeWriter Output { get; } = new CountingPipeWriter(inner.Output, sent);
}
