using System.Buffers;
using System.Collections.Concurrent;
using McpGateway.Core.Chain;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Sessions;

/// <summary>
/// Carries out what becomes of a frame: forward (once its record is committed), reject, respond, or hold until a
/// decision comes. Every outcome is handed as one <see cref="FrameOutcome"/> to <see cref="SessionRecording"/>: a
/// relayed frame once the chain has run, with its final bytes, before it is written; any other before the answer it
/// causes is written.
/// </summary>
internal sealed class OutcomeWriter(GatewaySession session)
{
    private readonly GatewayRuntime _runtime = session.Runtime;
    private readonly ConcurrentDictionary<Task, bool> _held = new();

    /// <summary>Frames held by an inspector whose decision has not come yet.</summary>
    public ICollection<Task> Held => _held.Keys;

    public async ValueTask ApplyAsync(DirectionPump pump, McpFrame frame, ChainOutcome outcome, bool inBatch)
    {
        // A replacement that changed the envelope was rejected by the chain: it is recorded as rejected, never relayed.
        var verdict = outcome.Verdict;
        var inspector = outcome.InspectorName ?? FrameOutcome.Gateway;
        switch (verdict.Kind)
        {
            case VerdictKind.Forward:
                await ForwardAsync(pump, frame, inBatch).ConfigureAwait(false);
                break;
            case VerdictKind.Reject:
                await session.Recording.RecordAsync(FrameOutcome.Rejected(frame, inspector, verdict.Error), session.Ended).ConfigureAwait(false);
                await RejectAsync(pump, frame, verdict.Error!, inBatch).ConfigureAwait(false);
                break;
            case VerdictKind.Respond when frame.Kind == MessageKind.Request:
                await session.Recording.RecordAsync(FrameOutcome.Responded(frame, inspector, verdict.Error), session.Ended).ConfigureAwait(false);
                pump.OwnPending.TryRemove(frame.Id, out _);
                await pump.Batch.ReplyAsync(new SenderReply(frame.Id, null, verdict.Payload, frame.Sequence), inBatch).ConfigureAwait(false);
                break;
            case VerdictKind.Hold when verdict.Decision is not null:
                await session.Recording.RecordAsync(FrameOutcome.Held(frame, inspector, verdict.Error), session.Ended).ConfigureAwait(false);
                var held = frame.IsDetached ? frame : frame.Detach();
                var task = ContinueHeldAsync(pump, held, verdict.Decision, outcome.InspectorIndex);
                if (!task.IsCompleted)
                {
                    _held.TryAdd(task, true);
                    _ = task.ContinueWith(static (t, s) => ((ConcurrentDictionary<Task, bool>)s!).TryRemove(t, out _), _held, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }

                break;
            default:
                // Respond to a non-request, or a hold without a decision: an inspector broke the contract, and the frame
                // is on record (once) as refused for that.
                var broken = GatewayErrors.InspectorFailed.WithRule(outcome.InspectorName ?? "chain");
                await session.Recording.RecordAsync(FrameOutcome.Rejected(frame, inspector, broken), session.Ended).ConfigureAwait(false);
                await RejectAsync(pump, frame, broken, inBatch).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>The gateway answers a request itself with an error; the request is recorded as rejected and goes no further.</summary>
    public ValueTask<bool> RefuseAsync(DirectionPump pump, in FrameEnvelope envelope, in ReadOnlySequence<byte> payload, long sequence, GatewayError error)
    {
        Reply(pump, envelope.Id, error, sequence);
        return session.Recording.RecordAsync(FrameOutcome.Rejected(pump.Direction, envelope, payload, sequence, error), session.Ended);
    }

    /// <summary>
    /// An error reply to the sender at the end of the batch, by the gateway's own rules. It is counted where the frame
    /// it answers is recorded (<see cref="FrameOutcome.Answer"/>).
    /// </summary>
    public void Reply(DirectionPump pump, JsonRpcId id, GatewayError error, long sequence)
    {
        GatewayLog.FrameRejected(_runtime.Logger, session.Id, pump.Name, error.Reason, 0);
        pump.Batch.Replies.Add(new SenderReply(id, error, default, sequence));
    }

    /// <summary>Writes (or, when their records failed, refuses with -31006) the frames deferred in this read batch, in order.</summary>
    public async ValueTask ReleaseDeferredAsync(DirectionPump pump)
    {
        var deferred = pump.Batch.Deferred;
        if (deferred.Count == 0)
        {
            return;
        }

        var frame = pump.Frame;
        foreach (var waiting in deferred)
        {
            var recorded = await waiting.Recorded.ConfigureAwait(false);
            frame.Reset(waiting.Payload, waiting.Envelope, waiting.RequestMethod, waiting.RequestTool, waiting.Sequence);
            if (recorded)
            {
                await DeliverAsync(pump, frame, inBatch: true).ConfigureAwait(false);
            }
            else
            {
                await RejectAsync(pump, frame, GatewayErrors.AuditUnavailable, inBatch: true).ConfigureAwait(false);
            }
        }

        deferred.Clear();
    }

    private async Task ContinueHeldAsync(DirectionPump pump, McpFrame frame, Task<Verdict> decision, int inspectorIndex)
    {
        try
        {
            var verdict = await decision.WaitAsync(session.Ended).ConfigureAwait(false);
            ChainOutcome outcome;
            if (verdict.Kind is VerdictKind.Forward or VerdictKind.Replace)
            {
                if (verdict.Kind == VerdictKind.Replace)
                {
                    frame.ReplacePayload(verdict.Payload);
                }

                outcome = await _runtime.Chain.RunAsync(frame, inspectorIndex + 1, session.Ended).ConfigureAwait(false);
            }
            else
            {
                outcome = new ChainOutcome(verdict.Kind == VerdictKind.Hold ? Verdict.Reject(GatewayErrors.InspectorFailed) : verdict, inspectorIndex, _runtime.Chain.NamesFor(pump.Direction)[inspectorIndex]);
            }

            await ApplyAsync(pump, frame, outcome, inBatch: false).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (session.Ended.IsCancellationRequested || decision.IsCanceled)
        {
            // The session ended while the frame was held, or the inspector withdrew it (the client cancelled the
            // request): it is withdrawn, and a cancelled request gets no response.
            pump.OwnPending.TryRemove(frame.Id, out _);
            await session.Recording.RecordAsync(FrameOutcome.Withdrawn(frame), session.Ended).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            GatewayLog.InspectorFailed(_runtime.Logger, "hold", ex);

            // The holding inspector failed: the frame is refused, and that is on record before the error is sent.
            var inspector = _runtime.Chain.NamesFor(pump.Direction)[inspectorIndex];
            var error = GatewayErrors.InspectorFailed.WithRule(inspector);
            await session.Recording.RecordAsync(FrameOutcome.Rejected(frame, inspector, error), session.Ended).ConfigureAwait(false);
            await RejectAsync(pump, frame, error, inBatch: false).ConfigureAwait(false);
        }
    }

    /// <summary>The chain cleared the frame: it is recorded as it leaves (after masking), then written once its record is committed.</summary>
    private async ValueTask ForwardAsync(DirectionPump pump, McpFrame frame, bool inBatch)
    {
        var recorded = session.Recording.RecordAsync(FrameOutcome.Relayed(frame), session.Ended);
        if (inBatch && (pump.Batch.Deferred.Count > 0 || !recorded.IsCompleted))
        {
            // Written at the end of the read batch, once the records of the whole batch are committed together; behind
            // a frame already waiting, even with its own record committed, so frames leave in the order they came.
            pump.Batch.Deferred.Add(new DeferredFrame(frame.Payload, frame.Envelope, frame.RequestMethod, frame.RequestToolName, frame.Sequence, recorded));
            return;
        }

        if (!await recorded.ConfigureAwait(false))
        {
            await RejectAsync(pump, frame, GatewayErrors.AuditUnavailable, inBatch).ConfigureAwait(false);
            return;
        }

        await DeliverAsync(pump, frame, inBatch).ConfigureAwait(false);
    }

    /// <summary>Writes a frame whose record is committed to the peer (or answers in its place when the peer is gone).</summary>
    private async ValueTask DeliverAsync(DirectionPump pump, McpFrame frame, bool inBatch)
    {
        var batch = pump.Batch;
        if (batch.Peer.IsClosed)
        {
            await OnPeerGoneAsync(pump, frame, inBatch).ConfigureAwait(false);
            return;
        }

        if (frame.Kind == MessageKind.Request && pump.Direction == FrameDirection.ClientToUpstream)
        {
            pump.OwnPending.SetDeadline(frame.Id, session.Sweeper.RequestDeadline());
        }

        await batch.WriteToPeerAsync(frame.Payload, frame.Envelope, inBatch).ConfigureAwait(false);
    }

    /// <summary>
    /// Recorded as cleared for forwarding, but the peer is gone: the gateway's answer in its place is a frame of its
    /// own, recorded as such. A request the upstream-exit path already answered gets no second answer.
    /// </summary>
    private async ValueTask OnPeerGoneAsync(DirectionPump pump, McpFrame frame, bool inBatch)
    {
        var toUpstream = pump.Direction == FrameDirection.ClientToUpstream;
        var error = toUpstream ? GatewayErrors.UpstreamExited : GatewayErrors.UpstreamUnavailable;
        if (frame.Kind == MessageKind.Request)
        {
            if (!pump.OwnPending.TryRemove(frame.Id, out _))
            {
                return;
            }

            var answered = toUpstream ? FrameDirection.UpstreamToClient : FrameDirection.ClientToUpstream;
            await session.Recording.RecordAsync(FrameOutcome.Answered(answered, frame.Id, frame.Method, frame.ToolName, frame.Sequence, error), session.Ended).ConfigureAwait(false);
        }

        await RejectAsync(pump, frame, error, inBatch).ConfigureAwait(false);
    }

    private ValueTask RejectAsync(DirectionPump pump, McpFrame frame, GatewayError error, bool inBatch)
    {
        GatewayLog.FrameRejected(_runtime.Logger, session.Id, pump.Name, error.Reason, frame.Payload.Length);
        switch (frame.Kind)
        {
            case MessageKind.Request:
                pump.OwnPending.TryRemove(frame.Id, out _);
                return pump.Batch.ReplyAsync(new SenderReply(frame.Id, error, default, frame.Sequence), inBatch);
            case MessageKind.Notification:
                return ValueTask.CompletedTask;
            default:
                // The peer waits for this response: it gets the error in its place, with the same id.
                return pump.Batch.WritePeerErrorAsync(frame.Id, error, frame.Sequence, inBatch);
        }
    }
}
