using System.Buffers;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Messaging;

namespace McpGateway.Core.Sessions;

/// <summary>
/// What one read batch of a pump writes: frames and errors to the peer under the peer's lock (taken once per batch),
/// replies to the sender (written after the peer's lock is released, so that no pump ever holds two locks), and the
/// frames that wait for their records. Outside a batch (a held frame's late verdict) every write stands alone.
/// </summary>
internal sealed class PumpBatch(FrameSink sender, FrameSink peer, Func<long, string> correlationId)
{
    private bool _peerEntered;
    private bool _peerDirty;

    /// <summary>Where replies to this direction's sender go.</summary>
    public FrameSink Sender { get; } = sender;

    /// <summary>Where forwarded frames go.</summary>
    public FrameSink Peer { get; } = peer;

    /// <summary>Replies to the sender, written when the batch ends.</summary>
    public List<SenderReply> Replies { get; } = [];

    /// <summary>Forwarded frames of this batch waiting for their audit records, in order; written once committed.</summary>
    public List<DeferredFrame> Deferred { get; } = [];

    public ValueTask WriteToPeerAsync(ReadOnlySequence<byte> payload, FrameEnvelope envelope, bool inBatch)
    {
        if (!inBatch)
        {
            return WriteAloneAsync(Peer, (payload, envelope), static (w, s) => w.WriteFrame(s.payload, s.envelope));
        }

        if (_peerEntered)
        {
            Peer.WriteFrame(payload, envelope);
            _peerDirty = true;
            return ValueTask.CompletedTask;
        }

        return EnterThenWriteAsync(payload, envelope);
    }

    /// <summary>The peer waits for an answer that will not come: it gets <paramref name="error"/> with the same id.</summary>
    public async ValueTask WritePeerErrorAsync(JsonRpcId id, GatewayError error, long sequence, bool inBatch)
    {
        var correlation = correlationId(sequence);
        if (!inBatch)
        {
            await WriteAloneAsync(Peer, (id, error, correlation), static (w, s) => w.WriteError(s.id, s.error, s.correlation)).ConfigureAwait(false);
            return;
        }

        await EnterPeerAsync().ConfigureAwait(false);
        Peer.WriteError(id, error, correlation);
        _peerDirty = true;
    }

    public ValueTask ReplyAsync(SenderReply reply, bool inBatch)
    {
        if (inBatch)
        {
            Replies.Add(reply);
            return ValueTask.CompletedTask;
        }

        return WriteAloneAsync(Sender, (this, reply), static (w, s) => s.Item1.WriteReply(w, s.reply));
    }

    /// <summary>Flushes the peer and releases its lock, then writes and flushes the replies to the sender.</summary>
    public async ValueTask EndAsync(CancellationToken sessionEnded)
    {
        if (_peerEntered)
        {
            try
            {
                if (_peerDirty)
                {
                    await Peer.FlushAsync(sessionEnded).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                // Session ending; the sink is completed by its owner.
            }
            finally
            {
                _peerDirty = false;
                _peerEntered = false;
                Peer.Exit();
            }
        }

        if (Replies.Count == 0)
        {
            return;
        }

        await Sender.EnterAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            foreach (var reply in Replies)
            {
                WriteReply(Sender, reply);
            }

            Replies.Clear();
            await Sender.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            Sender.Exit();
        }
    }

    private static async ValueTask WriteAloneAsync<TState>(FrameSink sink, TState state, Action<FrameSink, TState> write) =>
        await sink.WriteAloneAsync(state, write, CancellationToken.None).ConfigureAwait(false);

    private async ValueTask EnterThenWriteAsync(ReadOnlySequence<byte> payload, FrameEnvelope envelope)
    {
        await EnterPeerAsync().ConfigureAwait(false);
        Peer.WriteFrame(payload, envelope);
        _peerDirty = true;
    }

    private async ValueTask EnterPeerAsync()
    {
        if (!_peerEntered)
        {
            await Peer.EnterAsync(CancellationToken.None).ConfigureAwait(false);
            _peerEntered = true;
        }
    }

    private void WriteReply(FrameSink sink, in SenderReply reply)
    {
        if (reply.Error is not null)
        {
            sink.WriteError(reply.Id, reply.Error, correlationId(reply.Sequence), reply.RpcId);
        }
        else
        {
            sink.WriteResult(reply.Id, reply.Result.Span);
        }
    }
}
