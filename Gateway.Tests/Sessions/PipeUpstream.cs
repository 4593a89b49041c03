using System.IO.Pipelines;
using McpGateway.Core.Upstreams;

namespace McpGateway.Tests.Sessions;

/// <summary>An NDJSON upstream over two in-memory pipes: the test reads what the gateway forwards and writes the answers.</summary>
internal sealed class PipeUpstream : IUpstreamChannel
{
    private readonly Pipe _toGateway = new();
    private readonly Pipe _fromGateway = new();

    public PipeReader Input => _toGateway.Reader;

    public PipeWriter Output => _fromGateway.Writer;

    public string Description => "in-memory pipes";

    /// <summary>What the gateway wrote to the upstream.</summary>
    public NdjsonLines Forwarded => new(_fromGateway.Reader);

    public Task SendAsync(string line, CancellationToken cancellationToken) => NdjsonLines.WriteAsync(_toGateway.Writer, line, cancellationToken);

    /// <summary>The upstream goes away.</summary>
    public ValueTask CloseAsync() => _toGateway.Writer.CompleteAsync();

    public async ValueTask DisposeAsync()
    {
        await _fromGateway.Writer.CompleteAsync();
        await _toGateway.Reader.CompleteAsync();
    }
}
