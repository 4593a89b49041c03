using System.Buffers;
using System.Text.Json;
using McpGateway.Core.Chain;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using Microsoft.AspNetCore.Connections;

namespace McpGateway.Core.Sessions;

/// <summary>Reading frames: framing, the protocol rules, pending tables, then the chain.</summary>
internal sealed partial class GatewaySession
{
    private async Task PumpAsync(PumpState state)
    {
        var input = state.Input;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(_end.Token).ConfigureAwait(false);
                Volatile.Write(ref _lastActivity, _runtime.TimeProvider.GetTimestamp());
                var buffer = result.Buffer;
                try
                {
                    var started = !state.AtConnectionStart || ByteOrderMark.TrySkip(ref buffer, result.IsCompleted);
                    state.AtConnectionStart &= !started;
                    while (started)
                    {
                        var status = FrameReader.TryReadFrame(ref buffer, state.Limits.MaxFrameBytes, out var payload);
                        if (status == FrameReadStatus.Frame)
                        {
                            await HandleFrameAsync(state, payload).ConfigureAwait(false);
                        }
                        else if (status == FrameReadStatus.TooLarge)
                        {
                            // No resynchronising on the next newline: the peer is broken or hostile, and ends here.
                            await OnFrameTooLargeAsync(state).ConfigureAwait(false);
                            return;
                        }
                        else
                        {
                            break;
                        }
                    }

                    // Before the pump advances: the deferred frames are slices of this read's buffer.
                    await ReleaseDeferredAsync(state).ConfigureAwait(false);
                    if (result.IsCompleted)
                    {
                        if (!buffer.IsEmpty)
                        {
                            // A final frame without its newline is never executed.
                            GatewayLog.FrameDropped(_logger, Id, state.Name, GatewayErrors.UnterminatedFrame.Reason, buffer.Length);
                            if (_runtime.Recorder is { } recorder)
                            {
                                await recorder.InvalidAsync(this, state.Direction, buffer, buffer.Length, NextSequence(), GatewayErrors.UnterminatedFrame).ConfigureAwait(false);
                            }
                        }

                        return;
                    }
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }

                await EndBatchAsync(state).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The session is ending, or Kestrel aborted the connection.
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ObjectDisposedException or InvalidOperationException)
        {
            // The peer went away mid-read.
        }
        finally
        {
            await EndBatchAsync(state).ConfigureAwait(false);
        }
    }

    private long NextSequence() => Interlocked.Increment(ref _sequence);

    /// <summary>
    /// A line over the size limit, seen without reading past the limit. The client gets -32600 frame_too_large with
    /// a null id and is closed; an upstream's pending calls get -31010 once and the session ends.
    /// </summary>
    private async ValueTask OnFrameTooLargeAsync(PumpState state)
    {
        var sequence = NextSequence();
        var error = state.Direction == FrameDirection.ClientToUpstream ? GatewayErrors.FrameTooLarge : GatewayErrors.UpstreamFrameTooLarge;
        GatewayLog.FrameDropped(_logger, Id, state.Name, error.Reason, state.Limits.MaxFrameBytes);
        if (_runtime.Recorder is { } recorder)
        {
            await recorder.InvalidAsync(this, state.Direction, ReadOnlySequence<byte>.Empty, state.Limits.MaxFrameBytes, sequence, error).ConfigureAwait(false);
        }

        if (state.Direction == FrameDirection.ClientToUpstream)
        {
            Reply(state, JsonRpcId.Null, error, sequence);
            Abort(error.Reason);
            return;
        }

        _endReason ??= error.Reason;
        await FailAllPendingAsync(error).ConfigureAwait(false);
    }

    private async ValueTask HandleFrameAsync(PumpState state, ReadOnlySequence<byte> payload)
    {
        _runtime.Metrics.FrameRead(state.Direction, payload.Length);
        var sequence = NextSequence();
        var invalid = state.Scanner.Scan(payload, out var envelope);
        if (state.Direction == FrameDirection.ClientToUpstream && _end.IsCancellationRequested)
        {
            // The session was aborted (a renewal named another subject or a connection it may not open): nothing
            // the client sent after that goes anywhere, but it is still recorded.
            if (invalid is null)
            {
                await RecordNotForwardedAsync(state, envelope, payload, sequence, "dropped", null).ConfigureAwait(false);
            }
            else
            {
                await RecordInvalidAsync(state, payload, sequence, invalid).ConfigureAwait(false);
            }

            return;
        }

        if (invalid is not null)
        {
            if (_runtime.Recorder is { } recorder)
            {
                await recorder.InvalidAsync(this, state.Direction, payload, payload.Length, sequence, invalid).ConfigureAwait(false);
            }

            await OnInvalidFrameAsync(state, envelope, invalid, payload.Length, sequence).ConfigureAwait(false);
            return;
        }

        string? requestMethod = null;
        string? requestTool = null;
        switch (envelope.Kind)
        {
            case MessageKind.Request:
                if (state.Direction == FrameDirection.ClientToUpstream && _runtime.Drain.IsDraining)
                {
                    await RefuseRequestAsync(state, envelope, payload, sequence, GatewayDrain.ShuttingDown).ConfigureAwait(false);
                    return;
                }

                if (!IsRelayable(state, envelope)
                    || (state.Direction == FrameDirection.UpstreamToClient && !RelayRules.AllowsServerRequests(ProtocolVersion)))
                {
                    await RefuseRequestAsync(state, envelope, payload, sequence, GatewayErrors.MethodNotFound).ConfigureAwait(false);
                    return;
                }

                if (state.Direction == FrameDirection.ClientToUpstream && !_lifecycle.IsOpen && !LifecycleGate.AllowedBeforeInitialize(envelope.Method))
                {
                    await RefuseRequestAsync(state, envelope, payload, sequence, GatewayErrors.NotInitialized).ConfigureAwait(false);
                    return;
                }

                switch (state.OwnPending.TryAdd(envelope.Id, envelope.Method, envelope.ToolName, Settings.MaxPendingRequests))
                {
                    case PendingAddResult.IdInUse:
                        // Answered with a null id, so that the sender never sees two answers for one id; data.rpcId names it.
                        state.Replies.Add(new SenderReply(JsonRpcId.Null, GatewayErrors.IdInUse, default, sequence, envelope.Id));
                        GatewayLog.FrameRejected(_logger, Id, state.Name, GatewayErrors.IdInUse.Reason, payload.Length);
                        _runtime.Metrics.Verdict("gateway", Chain.VerdictKind.Reject, GatewayErrors.IdInUse);
                        await RecordNotForwardedAsync(state, envelope, payload, sequence, "rejected", GatewayErrors.IdInUse).ConfigureAwait(false);
                        return;
                    case PendingAddResult.Full:
                        await RefuseRequestAsync(state, envelope, payload, sequence, GatewayErrors.Overloaded).ConfigureAwait(false);
                        return;
                }

                break;
            case MessageKind.Notification:
                if (RelayRules.CheckNotification(envelope.Method) is { } misuse)
                {
                    GatewayLog.FrameDropped(_logger, Id, state.Name, misuse.Reason, payload.Length);
                    _runtime.Metrics.Verdict("gateway", Chain.VerdictKind.Reject, misuse);
                    await RecordInvalidAsync(state, payload, sequence, misuse).ConfigureAwait(false);
                    return;
                }

                if (!IsRelayable(state, envelope))
                {
                    GatewayLog.FrameDropped(_logger, Id, state.Name, GatewayErrors.MethodNotFound.Reason, payload.Length);
                    await RecordNotForwardedAsync(state, envelope, payload, sequence, "dropped", GatewayErrors.MethodNotFound).ConfigureAwait(false);
                    return;
                }

                if (state.Direction == FrameDirection.ClientToUpstream && !_lifecycle.IsOpen)
                {
                    // Nothing but ping and the handshake before initialize has succeeded; a notification gets no answer.
                    GatewayLog.FrameDropped(_logger, Id, state.Name, GatewayErrors.NotInitialized.Reason, payload.Length);
                    _runtime.Metrics.Verdict("gateway", Chain.VerdictKind.Reject, GatewayErrors.NotInitialized);
                    await RecordNotForwardedAsync(state, envelope, payload, sequence, "rejected", GatewayErrors.NotInitialized).ConfigureAwait(false);
                    return;
                }

                if (envelope.Method == McpMethods.NotificationsCancelled && envelope.CancelledRequestId.IsValue)
                {
                    // The receiver may never answer a cancelled request: stop waiting for it, but keep the id taken until
                    // the answer comes or the deadline passes, so that a request reusing it cannot be given that answer.
                    state.OwnPending.MarkCancelled(envelope.CancelledRequestId, RequestDeadline());
                }

                break;
            default:
                if (!state.PeerPending.TryRemove(envelope.Id, out var pending))
                {
                    if (state.Direction == FrameDirection.UpstreamToClient)
                    {
                        GatewayLog.UnmatchedUpstreamResponse(_logger, Id, envelope.Id.ToString());
                    }
                    else
                    {
                        GatewayLog.UnmatchedClientResponse(_logger, Id, envelope.Id.ToString());
                        if (++state.UnsolicitedResponses > RelayRules.MaxUnsolicitedResponses)
                        {
                            Reply(state, JsonRpcId.Null, GatewayErrors.UnsolicitedResponses, sequence);
                            Abort(GatewayErrors.UnsolicitedResponses.Reason);
                        }
                    }

                    await RecordNotForwardedAsync(state, envelope, payload, sequence, "dropped", null).ConfigureAwait(false);
                    return;
                }

                if (pending.Cancelled)
                {
                    // The answer to a request its sender cancelled: nobody waits for it; the tombstone is gone now.
                    await RecordNotForwardedAsync(state, envelope, payload, sequence, "dropped", null).ConfigureAwait(false);
                    return;
                }

                requestMethod = pending.Method;
                requestTool = pending.ToolName;
                if (envelope.Kind == MessageKind.Response && state.Direction == FrameDirection.UpstreamToClient
                    && (requestMethod == McpMethods.Initialize || requestMethod == McpMethods.ServerDiscover))
                {
                    ObserveProtocolVersion(envelope, payload);
                    if (LifecycleGate.Completes(requestMethod, ProtocolVersion))
                    {
                        _lifecycle.Open();
                    }
                }

                break;
        }

        var frame = state.Frame;
        frame.Reset(payload, envelope, requestMethod, requestTool, sequence);
        ChainOutcome outcome;
        if (_runtime.Metrics.TimesChain)
        {
            var started = _runtime.TimeProvider.GetTimestamp();
            outcome = await _runtime.Chain.RunAsync(frame, 0, _end.Token).ConfigureAwait(false);
            _runtime.Metrics.ChainRan(state.Direction, _runtime.TimeProvider.GetElapsedTime(started).TotalSeconds);
        }
        else
        {
            outcome = await _runtime.Chain.RunAsync(frame, 0, _end.Token).ConfigureAwait(false);
        }

        await ApplyAsync(state, frame, outcome, inBatch: true).ConfigureAwait(false);
    }

    /// <summary>The gateway answers a request itself with an error; the request is recorded as rejected and goes no further.</summary>
    private ValueTask RefuseRequestAsync(PumpState state, in FrameEnvelope envelope, in ReadOnlySequence<byte> payload, long sequence, GatewayError error)
    {
        Reply(state, envelope.Id, error, sequence);
        return RecordNotForwardedAsync(state, envelope, payload, sequence, "rejected", error);
    }

    private ValueTask RecordInvalidAsync(PumpState state, in ReadOnlySequence<byte> payload, long sequence, GatewayError error) =>
        _runtime.Recorder is { } recorder
            ? recorder.InvalidAsync(this, state.Direction, payload, payload.Length, sequence, error)
            : ValueTask.CompletedTask;

    private ValueTask RecordNotForwardedAsync(PumpState state, in FrameEnvelope envelope, in ReadOnlySequence<byte> payload, long sequence, string verdict, GatewayError? error) =>
        _runtime.Recorder is { } recorder
            ? recorder.NotForwardedAsync(this, state.Direction, envelope, null, null, payload, sequence, verdict, "gateway", error)
            : ValueTask.CompletedTask;

    /// <summary>Methods no MCP version defines are refused unless configuration allows them; the gateway's own never pass upstream.</summary>
    private bool IsRelayable(PumpState state, in FrameEnvelope envelope)
    {
        if (state.Direction == FrameDirection.ClientToUpstream && envelope.Method != McpMethods.Authenticate && !RelayRules.MayReachUpstream(envelope.Method))
        {
            return false;
        }

        if (envelope.IsKnownMethod)
        {
            return envelope.Method != McpMethods.Authenticate || state.Direction == FrameDirection.ClientToUpstream;
        }

        return Settings.AllowedMethods.Contains(envelope.Method!);
    }


    /// <summary>
    /// A frame that breaks the parsing rule is never forwarded. From the client, it gets the error (with its id if
    /// that could be recovered, else null). From the upstream, a broken response fails the call it answers with
    /// -31010; anything else from the upstream is dropped.
    /// </summary>
    private async ValueTask OnInvalidFrameAsync(PumpState state, FrameEnvelope envelope, GatewayError error, long bytes, long sequence)
    {
        if (state.Direction == FrameDirection.ClientToUpstream)
        {
            Reply(state, envelope.Id.IsValue ? envelope.Id : JsonRpcId.Null, error, sequence);
            if (envelope.Method is null && envelope.Id.IsValue && state.PeerPending.TryRemove(envelope.Id, out _))
            {
                // A broken answer to a server-to-client request: the upstream waits for it, so it gets an error in its place.
                await WritePeerErrorAsync(state, envelope.Id, GatewayErrors.ClientProtocolViolation, sequence, inBatch: true).ConfigureAwait(false);
            }

            return;
        }

        GatewayLog.FrameDropped(_logger, Id, state.Name, error.Reason, bytes);

        // On error the scanner vouches only for the id and, when it read one, the method (Kind is not decided):
        // a frame with an id and no method is taken as a response.
        if (envelope.Method is null && envelope.Id.IsValue && state.PeerPending.TryRemove(envelope.Id, out _))
        {
            // The client waits for this response: it gets -31010 in its place.
            await WritePeerErrorAsync(state, envelope.Id, GatewayErrors.UpstreamProtocolViolation, sequence, inBatch: true).ConfigureAwait(false);
        }
        else if (envelope.Method is not null && envelope.Id.IsValue)
        {
            Reply(state, envelope.Id, error, sequence);
        }
    }

    private async ValueTask EndBatchAsync(PumpState state)
    {
        if (state.PeerEntered)
        {
            try
            {
                if (state.PeerDirty)
                {
                    await state.Peer.FlushAsync(_end.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                // Session ending; the pipe is completed by the owner.
            }
            finally
            {
                state.PeerDirty = false;
                state.PeerEntered = false;
                state.Peer.Exit();
            }
        }

        if (state.Replies.Count == 0)
        {
            return;
        }

        await state.Sender.EnterAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            foreach (var reply in state.Replies)
            {
                WriteReply(state.Sender, reply);
            }

            state.Replies.Clear();
            await state.Sender.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            state.Sender.Exit();
        }
    }

    // The version of an initialize result, or of a server/discover result (see McpProtocolVersions.Negotiated).
    private void ObserveProtocolVersion(in FrameEnvelope envelope, in ReadOnlySequence<byte> payload)
    {
        if (McpProtocolVersions.Negotiated(envelope, payload) is { } version)
        {
            ProtocolVersion = version;
            GatewayLog.ProtocolNegotiated(_logger, Id, version);
        }
    }
}
