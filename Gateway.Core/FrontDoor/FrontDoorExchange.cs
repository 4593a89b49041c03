using System.Threading.Channels;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Core.FrontDoor;

/// <summary>
/// One POSTed request waiting for its answer: the messages the gateway relates to it (progress, and server messages
/// while no GET stream is open) and then its response, which completes it. Written only by the session's reader loop.
/// </summary>
internal sealed class FrontDoorExchange(JsonRpcId id, string? method, string? progressToken, bool acceptsStream, long order, byte[]? clientId, JsonRpcId clientRpcId = default)
{
    private readonly Channel<byte[]> _messages = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private int _done;

    /// <summary>The id the gateway session sees (for a stateless request, the one the front door gave it).</summary>
    public JsonRpcId Id { get; } = id;

    public string? Method { get; } = method;

    /// <summary><c>params._meta.progressToken</c> of the request, as <see cref="ProgressTokens"/> keys it; null without one.</summary>
    public string? ProgressToken { get; } = progressToken;

    /// <summary>Whether the client accepts <c>text/event-stream</c>, so that messages may precede the response.</summary>
    public bool AcceptsStream { get; } = acceptsStream;

    /// <summary>Arrival order within the session; the oldest open stream takes server messages no stream is meant for.</summary>
    public long Order { get; } = order;

    /// <summary>The client's own id (raw JSON) when the front door renumbered the request; its response gets it back.</summary>
    public byte[]? ClientId { get; } = clientId;

    /// <summary>The client's own id as the envelope read it, when the front door renumbered the request.</summary>
    public JsonRpcId ClientRpcId { get; } = clientRpcId;

    /// <summary>The response; set before it is queued, so the reader recognizes it by reference.</summary>
    public byte[]? Final { get; private set; }

    /// <summary>When the response is an error the gateway made (not one the upstream sent), that error; set with <see cref="Final"/>.</summary>
    public GatewayError? FinalError { get; private set; }

    public ChannelReader<byte[]> Messages => _messages.Reader;

    public bool IsDone => Volatile.Read(ref _done) != 0;

    /// <summary>Queues a message that precedes the response; false when the client cannot take a stream, or it is over.</summary>
    public bool TryPost(byte[] frame) => AcceptsStream && !IsDone && _messages.Writer.TryWrite(frame);

    public void Complete(byte[] response, GatewayError? madeError = null)
    {
        if (Interlocked.Exchange(ref _done, 1) == 0)
        {
            Final = response;
            FinalError = madeError;
            _messages.Writer.TryWrite(response);
            _messages.Writer.TryComplete();
        }
    }

    /// <summary>The session ended, or the client went away: no response will come.</summary>
    public void Abandon()
    {
        if (Interlocked.Exchange(ref _done, 1) == 0)
        {
            _messages.Writer.TryComplete();
        }
    }
}
