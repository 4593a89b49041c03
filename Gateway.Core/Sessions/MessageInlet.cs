using System.Buffers;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Sessions;

/// <summary>
/// A direction's <see cref="ISessionInlet"/> for an adapter that reads whole messages: each delivered message is a
/// batch of one (handled, its record committed, written, flushed) before the call returns, so the adapter's buffer
/// may be reused right after. Calls are serialised: a pump handles one frame at a time.
/// </summary>
internal sealed class MessageInlet(DirectionPump pump, Func<bool> isEnded, Action activity, Action<JsonRpcId, GatewayError>? failRequest) : IUpstreamInlet, IDisposable
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    public async ValueTask<bool> DeliverAsync(ReadOnlySequence<byte> message, FrameEnvelope envelope, GatewayError? invalid, CancellationToken cancellationToken)
    {
        try
        {
            await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The session is over.
            return false;
        }

        try
        {
            if (isEnded())
            {
                return false;
            }

            activity();
            if (message.Length > pump.Limits.MaxFrameBytes)
            {
                await pump.OnFrameTooLargeAsync().ConfigureAwait(false);
            }
            else
            {
                await pump.HandleAsync(message, envelope, invalid).ConfigureAwait(false);
                await pump.ReleaseDeferredAsync().ConfigureAwait(false);
            }

            await pump.EndBatchAsync().ConfigureAwait(false);
            return true;
        }
        finally
        {
            _turn.Release();
        }
    }

    public void FailRequest(JsonRpcId id, GatewayError error)
    {
        if (failRequest is null)
        {
            throw new InvalidOperationException("only the upstream's inlet fails forwarded requests");
        }

        failRequest(id, error);
    }

    public void Dispose() => _turn.Dispose();
}
