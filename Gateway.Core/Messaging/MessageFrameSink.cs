using System.Buffers;
using System.Text.Json;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Messaging;

/// <summary>
/// A side spoken to in whole messages (the Streamable HTTP front door, the HTTP upstream): every message reaches
/// <see cref="Deliver"/> with its envelope, so the adapter routes it without scanning or parsing it again. The
/// gateway's own answers are built here and delivered the same way.
/// </summary>
internal abstract class MessageFrameSink : FrameSink
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    private readonly ArrayBufferWriter<byte> _made = new(256);
    private Utf8JsonWriter? _json;

    public sealed override void WriteFrame(in ReadOnlySequence<byte> payload, in FrameEnvelope envelope) =>
        Deliver(payload, envelope, default, null);

    public sealed override void WriteError(JsonRpcId id, GatewayError error, string correlationId, JsonRpcId rpcId = default)
    {
        WriteErrorJson(Json(), id, error, correlationId, rpcId);
        DeliverMade(new FrameEnvelope(MessageKind.ErrorResponse, id, null, false, null, default), rpcId, error);
    }

    public sealed override void WriteResult(JsonRpcId id, ReadOnlySpan<byte> resultJson)
    {
        WriteResultJson(Json(), id, resultJson);
        DeliverMade(new FrameEnvelope(MessageKind.Response, id, null, false, null, default), default, null);
    }

    /// <summary>
    /// One message for this side, without a newline. <paramref name="message"/> is borrowed: valid only during the call
    /// (copy what must outlive it). <paramref name="refusedRpcId"/>: for an error answered with <c>"id": null</c>
    /// because its request reused a pending id, that request's id (as in <c>error.data.rpcId</c>). <paramref name="madeError"/>:
    /// the gateway's own error this message carries (the adapter acts on it without parsing the message); null for
    /// anything else, in particular for an error the peer sent, whatever its code. Called under the sink's lock, one
    /// message at a time, in order; it must not block.
    /// </summary>
    protected abstract void Deliver(in ReadOnlySequence<byte> message, in FrameEnvelope envelope, JsonRpcId refusedRpcId, GatewayError? madeError);

    /// <summary>The batch is over: what was delivered may go out. False when the side is gone.</summary>
    protected override ValueTask<bool> FlushCoreAsync(CancellationToken cancellationToken) => ValueTask.FromResult(true);

    protected override ValueTask CompleteCoreAsync() => ValueTask.CompletedTask;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _json?.Dispose();
        }

        base.Dispose(disposing);
    }

    private Utf8JsonWriter Json()
    {
        _made.ResetWrittenCount();
        if (_json is null)
        {
            _json = new Utf8JsonWriter(_made, WriterOptions);
        }
        else
        {
            _json.Reset(_made);
        }

        return _json;
    }

    private void DeliverMade(in FrameEnvelope envelope, JsonRpcId refusedRpcId, GatewayError? madeError)
    {
        _json!.Flush();
        Deliver(new ReadOnlySequence<byte>(_made.WrittenMemory), envelope, refusedRpcId, madeError);
    }
}
