using System.Buffers;
using System.Text;
using System.Threading.Channels;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Sessions;
using McpGateway.Core.Messaging;

namespace McpGateway.Tests.Sessions;

/// <summary>A side spoken to in messages, as an HTTP adapter would be: every message the core delivers, with its envelope.</summary>
internal sealed class CollectingSink : MessageFrameSink
{
    private readonly Channel<SinkMessage> _messages = Channel.CreateUnbounded<SinkMessage>();

    public async Task<SinkMessage> NextAsync(CancellationToken cancellationToken) => await _messages.Reader.ReadAsync(cancellationToken);

    public bool TryNext(out SinkMessage message) => _messages.Reader.TryRead(out message!);

    protected override void Deliver(in ReadOnlySequence<byte> message, in FrameEnvelope envelope, JsonRpcId refusedRpcId, GatewayError? madeError) =>
        _messages.Writer.TryWrite(new SinkMessage(Encoding.UTF8.GetString(message), envelope, refusedRpcId));

    protected override ValueTask CompleteCoreAsync()
    {
        _messages.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}
