using System.Buffers;
using System.Threading.Channels;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Messaging;

namespace McpGateway.Core.Upstreams.Http;

/// <summary>
/// Where the session core writes the messages bound for an HTTP upstream: each is copied with its envelope into the
/// channel's queue, which posts them in order. A batch's flush waits while the queue is full, so a client that writes
/// faster than the upstream answers is slowed down rather than buffered without bound. A request takes with it which
/// of the client's requests under its id it is (<see cref="IUpstreamInlet.Forwarding"/>, asked while the core writes
/// it), so that its exchange's failure reaches that request only.
/// </summary>
internal sealed class HttpUpstreamSink(ChannelWriter<(byte[] Body, FrameEnvelope Envelope, long Generation)> queue, SemaphoreSlim room, Func<JsonRpcId, long> forwarding, CancellationToken closing) : MessageFrameSink
{
    private int _unpaid;

    protected override void Deliver(in ReadOnlySequence<byte> message, in FrameEnvelope envelope, JsonRpcId refusedRpcId, GatewayError? madeError)
    {
        // The envelope's offsets are relative to the message, so they hold for the copy.
        var generation = envelope.Kind == MessageKind.Request ? forwarding(envelope.Id) : 0;
        if (queue.TryWrite((message.ToArray(), envelope, generation)))
        {
            _unpaid++;
        }
        else
        {
            IsClosed = true;
        }
    }

    protected override async ValueTask<bool> FlushCoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            for (; _unpaid > 0; _unpaid--)
            {
                if (!room.Wait(0, CancellationToken.None))
                {
                    // Waiting for the upstream to take messages ends with the channel or with the caller's deadline (a
                    // session ending, a bounded write of cancellations), whichever comes first.
                    using var either = CancellationTokenSource.CreateLinkedTokenSource(closing, cancellationToken);
                    await room.WaitAsync(either.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The channel is closing, or the caller stopped waiting: this flush sends nothing more.
            _unpaid = 0;
            return false;
        }

        return !IsClosed;
    }

    protected override ValueTask CompleteCoreAsync()
    {
        queue.TryComplete();
        return ValueTask.CompletedTask;
    }
}
