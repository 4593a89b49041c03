using System.Collections.Concurrent;
using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Recording;

namespace McpGateway.Core.Sessions;

/// <summary>Carrying out the chain's verdict: forward, reject, respond or hold.</summary>
internal sealed partial class GatewaySession
{
    private async ValueTask ApplyAsync(PumpState state, McpFrame frame, ChainOutcome outcome, bool inBatch)
    {
        // A replacement that changed the envelope was rejected by the chain before recording saw it.
        var verdict = outcome.Verdict;

        if (verdict.Kind is not (VerdictKind.Forward or VerdictKind.Replace))
        {
            _runtime.Metrics.Verdict(outcome.InspectorName ?? "gateway", verdict.Kind, verdict.Error);
            if (_runtime.Recorder is { } recorder && verdict.Kind != VerdictKind.Hold && outcome.InspectorName != ISessionRecorder.InspectorName)
            {
                // Forwarded frames were recorded by the recording inspector; the final outcome of a held frame is recorded when it comes.
                await recorder.NotForwardedAsync(this, state.Direction, frame.Envelope, frame.Method, frame.ToolName, frame.Payload, frame.Sequence, verdict.Kind == VerdictKind.Respond ? "responded" : "rejected", outcome.InspectorName ?? "gateway", verdict.Error).ConfigureAwait(false);
            }
        }

        switch (verdict.Kind)
        {
            case VerdictKind.Forward:
                await ForwardAsync(state, frame, inBatch).ConfigureAwait(false);
                break;
            case VerdictKind.Reject:
                await RejectAsync(state, frame, verdict.Error!, inBatch).ConfigureAwait(false);
                break;
            case VerdictKind.Respond when frame.Kind == MessageKind.Request:
                state.OwnPending.TryRemove(frame.Id, out _);
                await ReplyAsync(state, new SenderReply(frame.Id, null, verdict.Payload, frame.Sequence), inBatch).ConfigureAwait(false);
                break;
            case VerdictKind.Hold when verdict.Decision is not null:
                var held = frame.IsDetached ? frame : frame.Detach();
                var task = ContinueHeldAsync(state, held, verdict.Decision, outcome.InspectorIndex);
                if (!task.IsCompleted)
                {
                    _held.TryAdd(task, true);
                    _ = task.ContinueWith(static (t, s) => ((ConcurrentDictionary<Task, bool>)s!).TryRemove(t, out _), _held, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }

                break;
            default:
                // Respond to a non-request, or a hold without a decision: an inspector broke the contract.
                await RejectAsync(state, frame, GatewayErrors.InspectorFailed.WithRule(outcome.InspectorName ?? "chain"), inBatch).ConfigureAwait(false);
                break;
        }
    }

    private async Task ContinueHeldAsync(PumpState state, McpFrame frame, Task<Verdict> decision, int inspectorIndex)
    {
        try
        {
            var verdict = await decision.WaitAsync(_end.Token).ConfigureAwait(false);
            ChainOutcome outcome;
            if (verdict.Kind is VerdictKind.Forward or VerdictKind.Replace)
            {
                if (verdict.Kind == VerdictKind.Replace)
                {
                    frame.ReplacePayload(verdict.Payload);
                }

                outcome = await _runtime.Chain.RunAsync(frame, inspectorIndex + 1, _end.Token).ConfigureAwait(false);
            }
            else
            {
                outcome = new ChainOutcome(verdict.Kind == VerdictKind.Hold ? Verdict.Reject(GatewayErrors.InspectorFailed) : verdict, inspectorIndex, _runtime.Chain.NamesFor(state.Direction)[inspectorIndex]);
            }

            await ApplyAsync(state, frame, outcome, inBatch: false).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_end.IsCancellationRequested || decision.IsCanceled)
        {
            // The session ended while the frame was held, or the inspector withdrew it (the client cancelled the
            // request): it is withdrawn, and a cancelled request gets no response.
            state.OwnPending.TryRemove(frame.Id, out _);
            if (_runtime.Recorder is { } recorder)
            {
                await recorder.NotForwardedAsync(this, state.Direction, frame.Envelope, frame.Method, frame.ToolName, frame.Payload, frame.Sequence, "withdrawn", "gateway", null).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            GatewayLog.InspectorFailed(_logger, "hold", ex);

            // The holding inspector failed: the frame is refused, and that is on record before the error is sent.
            var inspector = _runtime.Chain.NamesFor(state.Direction)[inspectorIndex];
            var error = GatewayErrors.InspectorFailed.WithRule(inspector);
            _runtime.Metrics.Verdict(inspector, VerdictKind.Reject, error);
            if (_runtime.Recorder is { } recorder)
            {
                await recorder.NotForwardedAsync(this, state.Direction, frame.Envelope, frame.Method, frame.ToolName, frame.Payload, frame.Sequence, "rejected", inspector, error).ConfigureAwait(false);
            }

            await RejectAsync(state, frame, error, inBatch: false).ConfigureAwait(false);
        }
    }

    /// <summary>Through the chain's tail, recorded before it is written: see <see cref="GatewayFrames"/>.</summary>
    public ValueTask<bool> SendToClientAsync(ReadOnlyMemory<byte> frameJson, CancellationToken cancellationToken) =>
        _generated.SendAsync(FrameDirection.UpstreamToClient, _clientWriter, frameJson, cancellationToken);

    private async ValueTask ForwardAsync(PumpState state, McpFrame frame, bool inBatch)
    {
        if (frame.RecordCommitted is { } record)
        {
            if (inBatch && !record.IsCompleted)
            {
                // Written at the end of the read batch, once the records of the whole batch are committed together.
                state.Deferred.Add(new DeferredFrame(frame.Payload, frame.Envelope, frame.RequestMethod, frame.RequestToolName, frame.Sequence, record));
                return;
            }

            if (!await IsRecordedAsync(record).ConfigureAwait(false))
            {
                await RejectAsync(state, frame, GatewayErrors.AuditUnavailable, inBatch).ConfigureAwait(false);
                return;
            }
        }

        if (state.Peer.IsClosed)
        {
            // Recorded as cleared for forwarding, but the peer is gone: the gateway's answer in its place is a frame
            // of its own, recorded as such. A request the upstream-exit path already answered gets no second answer.
            var error = state.Direction == FrameDirection.ClientToUpstream ? GatewayErrors.UpstreamExited : GatewayErrors.UpstreamUnavailable;
            if (frame.Kind == MessageKind.Request && !state.OwnPending.TryRemove(frame.Id, out _))
            {
                return;
            }

            if (frame.Kind == MessageKind.Request && _runtime.Recorder is { } recorder)
            {
                await recorder.AnsweredAsync(this, state.Direction == FrameDirection.ClientToUpstream ? FrameDirection.UpstreamToClient : FrameDirection.ClientToUpstream, frame.Id, frame.Method, frame.ToolName, frame.Sequence, error).ConfigureAwait(false);
            }

            await RejectAsync(state, frame, error, inBatch).ConfigureAwait(false);
            return;
        }

        if (frame.Kind == MessageKind.Request && state.Direction == FrameDirection.ClientToUpstream)
        {
            state.OwnPending.SetDeadline(frame.Id, RequestDeadline());
        }

        if (inBatch)
        {
            if (!state.PeerEntered)
            {
                await state.Peer.EnterAsync(CancellationToken.None).ConfigureAwait(false);
                state.PeerEntered = true;
            }

            state.Peer.WriteFrame(frame.Payload);
            state.PeerDirty = true;
        }
        else
        {
            await state.Peer.WriteAloneAsync(frame, static (w, f) => w.WriteFrame(f.Payload), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Writes (or, when their records failed, refuses with -31006) the frames deferred in this read batch, in order.</summary>
    private async ValueTask ReleaseDeferredAsync(PumpState state)
    {
        if (state.Deferred.Count == 0)
        {
            return;
        }

        var frame = state.Frame;
        foreach (var deferred in state.Deferred)
        {
            var recorded = await IsRecordedAsync(deferred.RecordCommitted).ConfigureAwait(false);
            frame.Reset(deferred.Payload, deferred.Envelope, deferred.RequestMethod, deferred.RequestTool, deferred.Sequence);
            if (recorded)
            {
                await ForwardAsync(state, frame, inBatch: true).ConfigureAwait(false);
            }
            else
            {
                _runtime.Metrics.Verdict(ISessionRecorder.InspectorName, VerdictKind.Reject, GatewayErrors.AuditUnavailable);
                await RejectAsync(state, frame, GatewayErrors.AuditUnavailable, inBatch: true).ConfigureAwait(false);
            }
        }

        state.Deferred.Clear();
    }

    private async ValueTask<bool> IsRecordedAsync(Task record)
    {
        try
        {
            // The records of a batch commit together: only the first wait of a batch usually finds one pending.
            await (record.IsCompleted ? record : record.WaitAsync(_end.Token)).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is AuditUnavailableException or OperationCanceledException)
        {
            return false;
        }
    }

    private ValueTask RejectAsync(PumpState state, McpFrame frame, GatewayError error, bool inBatch)
    {
        GatewayLog.FrameRejected(_logger, Id, state.Name, error.Reason, frame.Payload.Length);
        switch (frame.Kind)
        {
            case MessageKind.Request:
                state.OwnPending.TryRemove(frame.Id, out _);
                return ReplyAsync(state, new SenderReply(frame.Id, error, default, frame.Sequence), inBatch);
            case MessageKind.Notification:
                return ValueTask.CompletedTask;
            default:
                // The peer waits for this response: it gets the error in its place, with the same id.
                return WritePeerErrorAsync(state, frame.Id, error, frame.Sequence, inBatch);
        }
    }

    private async ValueTask WritePeerErrorAsync(PumpState state, JsonRpcId id, GatewayError error, long sequence, bool inBatch)
    {
        var correlation = CorrelationId(sequence);
        if (inBatch)
        {
            if (!state.PeerEntered)
            {
                await state.Peer.EnterAsync(CancellationToken.None).ConfigureAwait(false);
                state.PeerEntered = true;
            }

            state.Peer.WriteError(id, error, correlation);
            state.PeerDirty = true;
        }
        else
        {
            await state.Peer.WriteAloneAsync((id, error, correlation), static (w, s) => w.WriteError(s.id, s.error, s.correlation), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private void Reply(PumpState state, JsonRpcId id, GatewayError error, long sequence)
    {
        GatewayLog.FrameRejected(_logger, Id, state.Name, error.Reason, 0);
        _runtime.Metrics.Verdict("gateway", VerdictKind.Reject, error);
        state.Replies.Add(new SenderReply(id, error, default, sequence));
    }

    private async ValueTask ReplyAsync(PumpState state, SenderReply reply, bool inBatch)
    {
        if (inBatch)
        {
            state.Replies.Add(reply);
            return;
        }

        await state.Sender.WriteAloneAsync((this, reply), static (w, s) => s.Item1.WriteReply(w, s.reply), CancellationToken.None).ConfigureAwait(false);
    }

    private void WriteReply(FrameWriter writer, in SenderReply reply)
    {
        if (reply.Error is not null)
        {
            writer.WriteError(reply.Id, reply.Error, CorrelationId(reply.Sequence), reply.RpcId);
        }
        else
        {
            writer.WriteResult(reply.Id, reply.Result.Span);
        }
    }
}
