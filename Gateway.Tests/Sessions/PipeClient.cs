using System.IO.Pipelines;

namespace McpGateway.Tests.Sessions;

/// <summary>A client connected to a session through two in-memory pipes, writing and reading NDJSON.</summary>
internal sealed class PipeClient
{
    private readonly Pipe _toGateway = new();
    private readonly Pipe _fromGateway = new();

    public IDuplexPipe GatewaySide => new Duplex(_toGateway.Reader, _fromGateway.Writer);

    public NdjsonLines Received => new(_fromGateway.Reader);

    public Task SendAsync(string line, CancellationToken cancellationToken) => NdjsonLines.WriteAsync(_toGateway.Writer, line, cancellationToken);

    /// <summary>The client closes its connection.</summary>
    public ValueTask CloseAsync() => _toGateway.Writer.CompleteAsync();

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
