using System.Buffers;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Messaging;

/// <summary>The upstream's way into the session core (see <see cref="IMessageChannel"/>): its messages, and the requests it lost.</summary>
internal interface IUpstreamInlet : ISessionInlet
{
    /// <summary>
    /// Which client request the core is forwarding under <paramref name="id"/>: ask while the core writes it (the
    /// sink's delivery), and keep it with the exchange. 0 when no client request with that id is pending (the
    /// gateway's own messages).
    /// </summary>
    long Forwarding(JsonRpcId id);

    /// <summary>
    /// As <see cref="ISessionInlet.DeliverAsync"/>, for a message received on the exchange of the forwarded request
    /// <paramref name="answers"/> (what <see cref="Forwarding"/> said) that carries that request's id: it answers that
    /// request or, when the core gave up on it and its id was taken again, nobody (dropped and recorded as such).
    /// </summary>
    ValueTask<bool> DeliverAsync(ReadOnlySequence<byte> message, FrameEnvelope envelope, GatewayError? invalid, long answers, CancellationToken cancellationToken);

    /// <summary>
    /// The forwarded client request <paramref name="id"/> will get no answer (its exchange failed): its caller gets
    /// <paramref name="error"/>, recorded first, exactly once; nothing happens when it was answered or failed already.
    /// <paramref name="generation"/> is what <see cref="Forwarding"/> said when it was written: a client that reused the
    /// id after the first request was answered or timed out never gets the first exchange's failure. Any thread, any
    /// time; the session writes that answer before its client side closes.
    /// </summary>
    void FailRequest(JsonRpcId id, long generation, GatewayError error);
}
