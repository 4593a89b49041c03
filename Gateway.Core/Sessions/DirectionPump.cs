using System.Buffers;
using McpGateway.Core.Chain;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Messaging;

namespace McpGateway.Core.Sessions;

/// <summary>
/// One direction of a session (client->upstream or upstream->client): it owns its pending-table view, its reused
/// frame and its batch, and takes each scanned frame through the protocol rules, the pending tables and the chain,
/// then hands the verdict to the <see cref="OutcomeWriter"/>. Its frames come from the NDJSON pump or from an
/// adapter's <see cref="ISessionInlet"/>; either way one frame at a time.
/// </summary>
internal sealed class DirectionPump
{
    private readonly GatewaySession _session;
    private readonly GatewayRuntime _runtime;
    private readonly OutcomeWriter _outcomes;
    private int _unsolicitedResponses;

    public DirectionPump(GatewaySession session, FrameDirection direction, FrameSink sender, FrameSink peer, PendingTable ownPending, PendingTable peerPending, OutcomeWriter outcomes)
    {
        _session = session;
        _runtime = session.Runtime;
        _outcomes = outcomes;
        Direction = direction;
        Limits = direction == FrameDirection.ClientToUpstream ? _runtime.Settings.ClientLimits : _runtime.Settings.UpstreamLimits;
        Scanner = new EnvelopeScanner(Limits);
        OwnPending = ownPending;
        PeerPending = peerPending;
        Frame = new McpFrame(session, direction, Limits);
        Batch = new PumpBatch(sender, peer, session.CorrelationId);
    }

    public FrameDirection Direction { get; }

    public FrameLimits Limits { get; }

    public EnvelopeScanner Scanner { get; }

    /// <summary>Requests this direction's sender made that await the peer's response.</summary>
    public PendingTable OwnPending { get; }

    /// <summary>Requests the peer made that this direction's sender may answer.</summary>
    public PendingTable PeerPending { get; }

    /// <summary>The borrowed frame instance reused for every frame of this direction.</summary>
    public McpFrame Frame { get; }

    public PumpBatch Batch { get; }

    public string Name => Direction == FrameDirection.ClientToUpstream ? "client->upstream" : "upstream->client";

    /// <summary>
    /// One frame, scanned: <paramref name="invalid"/> is the scanner's error when it broke the parsing rule.
    /// <paramref name="answers"/>: for an answer an adapter received on the exchange of one request, which request under
    /// its id that was (<see cref="PendingRequest.Generation"/>); it answers that request or nothing. 0: match by id.
    /// </summary>
    public async ValueTask HandleAsync(ReadOnlySequence<byte> payload, FrameEnvelope envelope, GatewayError? invalid, long answers = 0)
    {
        _runtime.Metrics.FrameRead(Direction, payload.Length);
        var sequence = _session.NextSequence();
        if (Direction == FrameDirection.ClientToUpstream && _session.Ended.IsCancellationRequested)
        {
            // The session was aborted (a renewal named another subject or a connection it may not open): nothing
            // the client sent after that goes anywhere, but it is still recorded.
            var afterAbort = invalid is null
                ? FrameOutcome.Dropped(Direction, envelope, payload, sequence)
                : FrameOutcome.Invalid(Direction, payload, payload.Length, sequence, invalid, answered: false);
            await _session.Recording.RecordAsync(afterAbort, _session.Ended).ConfigureAwait(false);

            return;
        }

        if (invalid is not null)
        {
            var answered = Direction == FrameDirection.ClientToUpstream || RelayRules.IsAnswerableRequest(envelope);
            await _session.Recording.RecordAsync(FrameOutcome.Invalid(Direction, payload, payload.Length, sequence, invalid, answered), _session.Ended).ConfigureAwait(false);
            await OnInvalidAsync(envelope, invalid, payload.Length, sequence, answers).ConfigureAwait(false);
            return;
        }

        string? requestMethod = null;
        string? requestTool = null;
        switch (envelope.Kind)
        {
            case MessageKind.Request:
                // The refusals are awaited here, not in a helper: a request that passes costs no extra async hop.
                if (RelayRules.RefuseRequest(Direction, envelope, Facts()) is { } refusal)
                {
                    await _outcomes.RefuseAsync(this, envelope, payload, sequence, refusal).ConfigureAwait(false);
                    return;
                }

                var added = OwnPending.TryAdd(envelope.Id, envelope.Method, envelope.ToolName, _runtime.Settings.MaxPendingRequests);
                if (added != PendingAddResult.Added)
                {
                    await OnNotAddedAsync(added, payload, envelope, sequence).ConfigureAwait(false);
                    return;
                }

                break;
            case MessageKind.Notification:
                if (RelayRules.RefuseNotification(Direction, envelope, Facts()) is { } dropped)
                {
                    await OnNotificationRefusedAsync(dropped, payload, envelope, sequence).ConfigureAwait(false);
                    return;
                }

                if (envelope.Method == McpMethods.NotificationsCancelled && envelope.CancelledRequestId.IsValue)
                {
                    // The receiver may never answer a cancelled request: stop waiting for it, but keep the id taken until
                    // the answer comes or the deadline passes, so that a request reusing it cannot be given that answer.
                    OwnPending.MarkCancelled(envelope.CancelledRequestId, _session.Sweeper.RequestDeadline());
                }

                break;
            default:
                if (!TakePeerRequest(envelope.Id, answers, out var pending) || pending.Cancelled)
                {
                    // Unsolicited, or the answer to a request its sender cancelled (nobody waits for it; its tombstone is gone now),
                    // or the late answer of an exchange whose request was given up on and whose id a new request took.
                    var answer = pending.Cancelled ? null : OnUnsolicitedResponse(envelope, sequence);
                    await _session.Recording.RecordAsync(FrameOutcome.Dropped(Direction, envelope, payload, sequence, answer: answer), _session.Ended).ConfigureAwait(false);
                    return;
                }

                requestMethod = pending.Method;
                requestTool = pending.ToolName;
                if (envelope.Kind == MessageKind.Response && Direction == FrameDirection.UpstreamToClient)
                {
                    _session.Protocol.ObserveAnswer(requestMethod, envelope, payload);
                }

                break;
        }

        var frame = Frame;
        frame.Reset(payload, envelope, requestMethod, requestTool, sequence);
        ChainOutcome outcome;
        if (_runtime.Metrics.TimesChain)
        {
            var started = _runtime.TimeProvider.GetTimestamp();
            outcome = await _runtime.Chain.RunAsync(frame, 0, _session.Ended).ConfigureAwait(false);
            _runtime.Metrics.ChainRan(Direction, _runtime.TimeProvider.GetElapsedTime(started).TotalSeconds);
        }
        else
        {
            outcome = await _runtime.Chain.RunAsync(frame, 0, _session.Ended).ConfigureAwait(false);
        }

        await _outcomes.ApplyAsync(this, frame, outcome, inBatch: true).ConfigureAwait(false);
    }

    /// <summary>Writes (or refuses) the frames deferred in this batch. Before the frames' buffer is released: they are slices of it.</summary>
    public ValueTask ReleaseDeferredAsync() => _outcomes.ReleaseDeferredAsync(this);

    /// <summary>Ends the batch: flushes the peer, then the replies to the sender.</summary>
    public ValueTask EndBatchAsync() => Batch.EndAsync(_session.Ended);

    /// <summary>
    /// A line over the size limit, seen without reading past the limit. The client gets -32600 frame_too_large with
    /// a null id and is closed; an upstream's pending calls get -31010 once and the session ends.
    /// </summary>
    public async ValueTask OnFrameTooLargeAsync()
    {
        var sequence = _session.NextSequence();
        var error = Direction == FrameDirection.ClientToUpstream ? GatewayErrors.FrameTooLarge : GatewayErrors.UpstreamFrameTooLarge;
        GatewayLog.FrameDropped(_runtime.Logger, _session.Id, Name, error.Reason, Limits.MaxFrameBytes);
        var tooLarge = FrameOutcome.Invalid(Direction, ReadOnlySequence<byte>.Empty, Limits.MaxFrameBytes, sequence, error, answered: Direction == FrameDirection.ClientToUpstream);
        await _session.Recording.RecordAsync(tooLarge, _session.Ended).ConfigureAwait(false);
        if (Direction == FrameDirection.ClientToUpstream)
        {
            _outcomes.Reply(this, JsonRpcId.Null, error, sequence);
            _session.Abort(error.Reason);
            return;
        }

        _session.SetEndReason(error.Reason);
        await _session.Sweeper.FailAllPendingAsync(error).ConfigureAwait(false);
    }

    /// <summary>The side ended in the middle of a frame: a final frame without its newline is never executed.</summary>
    public async ValueTask OnUnterminatedAsync(ReadOnlySequence<byte> rest)
    {
        GatewayLog.FrameDropped(_runtime.Logger, _session.Id, Name, GatewayErrors.UnterminatedFrame.Reason, rest.Length);
        var unterminated = FrameOutcome.Invalid(Direction, rest, rest.Length, _session.NextSequence(), GatewayErrors.UnterminatedFrame, answered: false);
        await _session.Recording.RecordAsync(unterminated, _session.Ended).ConfigureAwait(false);
    }

    private SessionFacts Facts() =>
        new(_runtime.Drain.IsDraining, _session.Protocol.Lifecycle.IsOpen, _session.ProtocolVersion, _runtime.Settings.AllowedMethods);

    /// <summary>A request whose id is still pending (answered with a null id, <c>data.rpcId</c> naming it), or one over the pending limit.</summary>
    private async ValueTask OnNotAddedAsync(PendingAddResult added, ReadOnlySequence<byte> payload, FrameEnvelope envelope, long sequence)
    {
        if (added == PendingAddResult.Full)
        {
            await _outcomes.RefuseAsync(this, envelope, payload, sequence, GatewayErrors.Overloaded).ConfigureAwait(false);
            return;
        }

        // Answered with a null id, so that the sender never sees two answers for one id; data.rpcId names it.
        Batch.Replies.Add(new SenderReply(JsonRpcId.Null, GatewayErrors.IdInUse, default, sequence, envelope.Id));
        GatewayLog.FrameRejected(_runtime.Logger, _session.Id, Name, GatewayErrors.IdInUse.Reason, payload.Length);
        await _session.Recording.RecordAsync(FrameOutcome.Rejected(Direction, envelope, payload, sequence, GatewayErrors.IdInUse), _session.Ended).ConfigureAwait(false);
    }

    private async ValueTask OnNotificationRefusedAsync(NotificationRefusal refusal, ReadOnlySequence<byte> payload, FrameEnvelope envelope, long sequence)
    {
        GatewayLog.FrameDropped(_runtime.Logger, _session.Id, Name, refusal.Error.Reason, payload.Length);
        var outcome = refusal.Fate switch
        {
            // Counted as the gateway's refusal, though a notification gets no answer.
            NotificationFate.Invalid => FrameOutcome.Invalid(Direction, payload, payload.Length, sequence, refusal.Error, answered: true),
            NotificationFate.Dropped => FrameOutcome.Dropped(Direction, envelope, payload, sequence, refusal.Error),
            _ => FrameOutcome.Rejected(Direction, envelope, payload, sequence, refusal.Error),
        };
        await _session.Recording.RecordAsync(outcome, _session.Ended).ConfigureAwait(false);
    }

    /// <summary>Counts an unsolicited answer from the client; returns the error it gets when that was one too many (and it is closed).</summary>
    private GatewayError? OnUnsolicitedResponse(in FrameEnvelope envelope, long sequence)
    {
        if (Direction == FrameDirection.UpstreamToClient)
        {
            GatewayLog.UnmatchedUpstreamResponse(_runtime.Logger, _session.Id, envelope.Id.ToString());
            return null;
        }

        GatewayLog.UnmatchedClientResponse(_runtime.Logger, _session.Id, envelope.Id.ToString());
        if (++_unsolicitedResponses > RelayRules.MaxUnsolicitedResponses)
        {
            _outcomes.Reply(this, JsonRpcId.Null, GatewayErrors.UnsolicitedResponses, sequence);
            _session.Abort(GatewayErrors.UnsolicitedResponses.Reason);
            return GatewayErrors.UnsolicitedResponses;
        }

        return null;
    }

    /// <summary>
    /// A frame that breaks the parsing rule is never forwarded. From the client, it gets the error (with its id if
    /// that could be recovered, else null). From the upstream, a broken response fails the call it answers with
    /// -31010; anything else from the upstream is dropped.
    /// </summary>
    private async ValueTask OnInvalidAsync(FrameEnvelope envelope, GatewayError error, long bytes, long sequence, long answers)
    {
        var brokenAnswer = RelayRules.IsBrokenResponse(envelope);
        if (Direction == FrameDirection.ClientToUpstream)
        {
            _outcomes.Reply(this, envelope.Id.IsValue ? envelope.Id : JsonRpcId.Null, error, sequence);
            if (brokenAnswer && PeerPending.TryRemove(envelope.Id, out _))
            {
                // A broken answer to a server-to-client request: the upstream waits for it, so it gets an error in its place.
                await Batch.WritePeerErrorAsync(envelope.Id, GatewayErrors.ClientProtocolViolation, sequence, inBatch: true).ConfigureAwait(false);
            }

            return;
        }

        GatewayLog.FrameDropped(_runtime.Logger, _session.Id, Name, error.Reason, bytes);
        if (brokenAnswer && TakePeerRequest(envelope.Id, answers, out _))
        {
            // The client waits for this response: it gets -31010 in its place.
            await Batch.WritePeerErrorAsync(envelope.Id, GatewayErrors.UpstreamProtocolViolation, sequence, inBatch: true).ConfigureAwait(false);
        }
        else if (RelayRules.IsAnswerableRequest(envelope))
        {
            _outcomes.Reply(this, envelope.Id, error, sequence);
        }
    }

    /// <summary>Removes the peer's request <paramref name="id"/>: any (<paramref name="generation"/> 0), or only that generation of it.</summary>
    private bool TakePeerRequest(JsonRpcId id, long generation, out PendingRequest request) =>
        generation == 0 ? PeerPending.TryRemove(id, out request) : PeerPending.TryRemove(id, generation, out request);
}
