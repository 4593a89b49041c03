using System.Buffers;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Messaging;

namespace McpGateway.Core.Sessions;

/// <summary>
/// A direction's <see cref="ISessionInlet"/> for an adapter that reads whole messages: each delivered message is a
/// batch of one (handled, its record committed, written, flushed) before the call returns, so the adapter's buffer
/// may be reused right after. Calls are serialised: a pump handles one frame at a time. The turn is never disposed: an
/// adapter may still be delivering while the session ends, and then simply gets false.
/// </summary>
#pragma warning disable CA1001 // SemaphoreSlim without a wait handle owns nothing to release; disposing it under a late caller would throw.
internal sealed class MessageInlet(DirectionPump pump, Func<bool> isEnded, Action activity, SessionSweeper? upstreamCalls) : IUpstreamInlet
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    public ValueTask<bool> DeliverAsync(ReadOnlySequence<byte> message, FrameEnvelope envelope, GatewayError? invalid, CancellationToken cancellationToken) =>
        DeliverAsync(message, envelope, invalid, 0, cancellationToken);

    public async ValueTask<bool> DeliverAsync(ReadOnlySequence<byte> message, FrameEnvelope envelope, GatewayError? invalid, long answers, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken).ConfigureAwait(false);
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
                try
                {
                    await pump.HandleAsync(message, envelope, invalid, answers).ConfigureAwait(false);
                    await pump.ReleaseDeferredAsync().ConfigureAwait(false);
                }
                finally
                {
                    // As the NDJSON pump does: the batch ends even when handling threw, so nothing of this message (a
                    // deferred frame borrowing its bytes, a held peer lock) is left for the next one.
                    pump.Batch.Deferred.Clear();
                    await pump.EndBatchAsync().ConfigureAwait(false);
                }

                return true;
            }

            await pump.EndBatchAsync().ConfigureAwait(false);
            return true;
        }
        catch (ObjectDisposedException)
        {
            // The session ended and was disposed while this message was on its way.
            return false;
        }
        finally
        {
            _turn.Release();
        }
    }

    public long Forwarding(JsonRpcId id) => Calls().Forwarding(id);

    public void FailRequest(JsonRpcId id, long generation, GatewayError error) => Calls().FailRequest(id, generation, error);

    private SessionSweeper Calls() => upstreamCalls ?? throw new InvalidOperationException("only the upstream's inlet knows the forwarded requests");
}
#pragma warning restore CA1001
