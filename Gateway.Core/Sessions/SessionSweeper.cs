using System.Buffers;
using System.Collections.Concurrent;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Upstreams;

namespace McpGateway.Core.Sessions;

/// <summary>
/// What a session does because time passed or the gateway is stopping: upstream request timeouts (and tombstones
/// that expire), the idle timeout, the drain, and failing the pending calls of an upstream that ended, each exactly
/// once, each answer recorded (generated) before it is sent, with <c>notifications/cancelled</c> upstream for the calls
/// the gateway gives up on.
/// </summary>
internal sealed class SessionSweeper(GatewaySession session)
{
    /// <summary>How often a session looks at its clocks.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>How long the gateway tries to write the cancellations of calls it gave up on to an upstream that does not read.</summary>
    private static readonly TimeSpan CancellationWriteTimeout = TimeSpan.FromSeconds(1);

    private readonly GatewayRuntime _runtime = session.Runtime;

    // Answers an upstream channel asked for (a lost exchange) that are still being recorded and written.
    private readonly ConcurrentDictionary<Task, bool> _failing = new();
    private long _lastActivity;
    private int _drainedSweeps;

    /// <summary>Something was read: the idle clock starts again.</summary>
    public void Touch() => Volatile.Write(ref _lastActivity, _runtime.TimeProvider.GetTimestamp());

    /// <summary>When a request forwarded now times out (the connection's request timeout), as a TimeProvider timestamp.</summary>
    public long RequestDeadline() =>
        _runtime.TimeProvider.GetTimestamp() + (long)(session.Connection!.RequestTimeout.TotalSeconds * _runtime.TimeProvider.TimestampFrequency);

    /// <summary>One look at the clocks (the session's timer calls this every <see cref="Interval"/>).</summary>
    public void Sweep()
    {
        if (session.Ended.IsCancellationRequested)
        {
            return;
        }

        if (_runtime.Drain.IsDraining && SweepDrain())
        {
            return;
        }

        var idle = _runtime.Settings.ConnectionLimits.IdleTimeout;
        if (_runtime.TimeProvider.GetElapsedTime(Volatile.Read(ref _lastActivity)) >= idle)
        {
            GatewayLog.SessionIdle(_runtime.Logger, session.Id, idle);
            session.Abort("idle timeout");
            return;
        }

        // The upstream's requests have no deadline of their own: only their tombstones expire, silently. A client call
        // that timed out keeps its id taken for one more request timeout (a tombstone), like a cancelled one: over
        // NDJSON nothing but the id binds the upstream's late answer to the call, so that answer is dropped, never
        // given to a request that reused the id.
        var now = _runtime.TimeProvider.GetTimestamp();
        var tombstoneDeadline = RequestDeadline();
        session.UpstreamPending.Expire(now, tombstoneDeadline);
        var expired = session.ClientPending.Expire(now, tombstoneDeadline);
        if (expired is null)
        {
            return;
        }

        GatewayLog.UpstreamRequestTimedOut(_runtime.Logger, session.Id, session.ConnectionName!, session.Connection!.RequestTimeout);
        _ = GiveUpAsync(expired, GatewayErrors.UpstreamTimedOut, CancellationFrame.TimedOut);
    }

    /// <summary>
    /// One side ended the relay. The upstream (<paramref name="endedUpstream"/>): every pending call gets its error
    /// (-31007, or the channel's <see cref="IUpstreamChannel.EndError"/>). The client (null): nobody will read the
    /// answers of the calls still pending, so the upstream gets their cancellations. Either way the answers to lost
    /// exchanges still being written are written before the client's side closes.
    /// </summary>
    public async Task SideEndedAsync(IUpstreamChannel? endedUpstream)
    {
        if (endedUpstream is not null)
        {
            var endError = endedUpstream.EndError;
            session.SetEndReason(endError?.Reason ?? "upstream closed");
            var failed = await FailAllPendingAsync(endError ?? GatewayErrors.UpstreamExited).ConfigureAwait(false);
            GatewayLog.UpstreamExited(_runtime.Logger, session.Id, session.ConnectionName!, failed);
        }
        else
        {
            session.SetEndReason("client closed");
            await CancelUpstreamAsync(session.ClientPending.Drain(), null, CancellationFrame.ClientGone).ConfigureAwait(false);
        }

        await Task.WhenAll(_failing.Keys).ConfigureAwait(false);
    }

    /// <summary>Answers every pending client call with <paramref name="error"/> (the upstream ended); returns how many.</summary>
    public Task<int> FailAllPendingAsync(GatewayError error) => FailAsync(session.ClientPending.Drain(), error);

    /// <inheritdoc cref="Messaging.IUpstreamInlet.Forwarding"/>
    public long Forwarding(JsonRpcId id) => session.ClientPending.GenerationOf(id);

    /// <summary>
    /// The upstream channel lost the exchange of one forwarded request (<paramref name="generation"/> says which one under
    /// <paramref name="id"/>): its caller gets <paramref name="error"/>, unless it was answered already. An exchange that
    /// timed out got no answer, and one may still come another way: like any call the gateway timed out (the sweep's
    /// path), its id stays taken (a tombstone) for one more request timeout and the upstream gets its
    /// <c>notifications/cancelled</c>.
    /// </summary>
    public void FailRequest(JsonRpcId id, long generation, GatewayError error)
    {
        var timedOut = error.Code == GatewayErrorCode.UpstreamTimedOut;
        var failed = timedOut
            ? session.ClientPending.TryGiveUp(id, generation, RequestDeadline(), out var pending)
            : session.ClientPending.TryRemove(id, generation, out pending);
        if (failed)
        {
            List<KeyValuePair<JsonRpcId, PendingRequest>> requests = [new(id, pending)];
            Task task = timedOut ? GiveUpAsync(requests, error, CancellationFrame.TimedOut) : FailAsync(requests, error);
            if (!task.IsCompleted)
            {
                _failing.TryAdd(task, true);
                _ = task.ContinueWith(static (t, s) => ((ConcurrentDictionary<Task, bool>)s!).TryRemove(t, out _), _failing, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
    }

    /// <summary>
    /// Sends <c>notifications/cancelled</c> upstream for each request in <paramref name="requests"/> that its client
    /// did not cancel itself, each recorded (verdict <c>generated</c>) before it is sent.
    /// </summary>
    private async Task CancelUpstreamAsync(List<KeyValuePair<JsonRpcId, PendingRequest>> requests, GatewayError? cause, string reason)
    {
        var sink = session.UpstreamSink;
        if (sink is null || sink.IsClosed)
        {
            return;
        }

        var frames = new List<(byte[] Frame, FrameEnvelope Envelope)>(requests.Count);
        foreach (var (id, request) in requests)
        {
            if (request.Cancelled || request.Method == McpMethods.Initialize)
            {
                // Cancelled by its client already; initialize is never cancelled (MCP).
                continue;
            }

            var frame = CancellationFrame.Build(id, reason);
            var envelope = new FrameEnvelope(MessageKind.Notification, JsonRpcId.None, McpMethods.NotificationsCancelled, true, null, id);
            frames.Add((frame, envelope));
            var generated = FrameOutcome.Generated(FrameDirection.ClientToUpstream, envelope, request.Method, request.ToolName, new ReadOnlySequence<byte>(frame), session.NextSequence(), cause);
            await session.Recording.RecordAsync(generated, session.Ended).ConfigureAwait(false);
        }

        if (frames.Count == 0)
        {
            return;
        }

        // An upstream that stopped reading must not keep the session (or the sweep) waiting to tell it.
        using var bounded = new CancellationTokenSource(CancellationWriteTimeout, _runtime.TimeProvider);
        try
        {
            await sink.WriteAloneAsync(frames, static (w, f) =>
            {
                foreach (var (frame, envelope) in f)
                {
                    w.WriteFrame(new ReadOnlySequence<byte>(frame), envelope);
                }
            }, bounded.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or IOException or InvalidOperationException or OperationCanceledException)
        {
            // The upstream is gone or does not read: nothing more to do for calls nobody waits for.
        }
    }

    /// <summary>
    /// The gateway gives up on calls it forwarded: their callers get <paramref name="error"/> and the upstream gets
    /// <c>notifications/cancelled</c> for each (a tombstone, cancelled by its client already, gets neither).
    /// </summary>
    private async Task GiveUpAsync(List<KeyValuePair<JsonRpcId, PendingRequest>> requests, GatewayError error, string reason)
    {
        await FailAsync(requests, error).ConfigureAwait(false);
        await CancelUpstreamAsync(requests, error, reason).ConfigureAwait(false);
    }

    /// <summary>
    /// While the gateway drains: the session closes once no call of its client is pending (seen on two sweeps in a row,
    /// so that the last response is flushed first), or at the deadline with its pending calls failed. True when closing.
    /// </summary>
    private bool SweepDrain()
    {
        if (_runtime.Drain.IsForced)
        {
            _ = GiveUpAsync(session.ClientPending.Drain(), GatewayDrain.ShuttingDown, CancellationFrame.ShuttingDown).ContinueWith(
                static (_, s) => ((GatewaySession)s!).Abort("gateway shutting down"), session, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return true;
        }

        _drainedSweeps = session.ClientPending.Waiting == 0 ? _drainedSweeps + 1 : 0;
        if (_drainedSweeps >= 2)
        {
            session.Abort("gateway shutting down");
            return true;
        }

        return false;
    }

    /// <summary>
    /// Answers each request in <paramref name="requests"/> with <paramref name="error"/>, exactly once: they were already
    /// removed from the pending table. Each answer is a frame of the gateway's own, recorded before it is sent.
    /// </summary>
    private async Task<int> FailAsync(List<KeyValuePair<JsonRpcId, PendingRequest>> requests, GatewayError error)
    {
        // A tombstone's caller cancelled it and expects no answer.
        requests = requests.FindAll(static r => !r.Value.Cancelled);
        if (requests.Count == 0)
        {
            return 0;
        }

        _runtime.Metrics.UpstreamError(error, requests.Count);
        var answers = new (JsonRpcId Id, long Sequence)[requests.Count];
        var records = new Task[answers.Length];
        for (var i = 0; i < answers.Length; i++)
        {
            var (id, request) = requests[i];
            answers[i] = (id, session.NextSequence());
            records[i] = session.Recording.RecordAsync(FrameOutcome.Answered(FrameDirection.UpstreamToClient, id, request.Method, request.ToolName, answers[i].Sequence, error), session.Ended).AsTask();
        }

        await Task.WhenAll(records).ConfigureAwait(false);
        try
        {
            await session.ClientSink.WriteAloneAsync((session, answers, error), static (w, s) =>
            {
                foreach (var (id, sequence) in s.answers)
                {
                    w.WriteError(id, s.error, s.session.CorrelationId(sequence));
                }
            }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The session ended meanwhile; the client is gone.
        }

        return requests.Count;
    }
}
