using System.Buffers;
using System.Collections.Concurrent;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Sessions;

/// <summary>Upstream timeouts, idle sessions, the drain, and failing pending calls exactly once.</summary>
internal sealed partial class GatewaySession
{
    /// <summary>How long the gateway tries to write the cancellations of calls it gave up on to an upstream that does not read.</summary>
    private static readonly TimeSpan CancellationWriteTimeout = TimeSpan.FromSeconds(1);

    /// <summary>When a request forwarded now times out (the connection's request timeout), as a TimeProvider timestamp.</summary>
    private long RequestDeadline() =>
        _runtime.TimeProvider.GetTimestamp() + (long)(_connection!.RequestTimeout.TotalSeconds * _runtime.TimeProvider.TimestampFrequency);

    private void SweepTimeouts()
    {
        if (_end.IsCancellationRequested)
        {
            return;
        }

        if (_runtime.Drain.IsDraining && SweepDrain())
        {
            return;
        }

        if (_runtime.TimeProvider.GetElapsedTime(Volatile.Read(ref _lastActivity)) >= Settings.ConnectionLimits.IdleTimeout)
        {
            GatewayLog.SessionIdle(_logger, Id, Settings.ConnectionLimits.IdleTimeout);
            Abort("idle timeout");
            return;
        }

        // The upstream's requests have no deadline of their own: only their tombstones expire, silently.
        var now = _runtime.TimeProvider.GetTimestamp();
        _upstreamPending.RemoveExpired(now);
        var expired = _clientPending.RemoveExpired(now);
        if (expired is null)
        {
            return;
        }

        GatewayLog.UpstreamRequestTimedOut(_logger, Id, ConnectionName!, _connection!.RequestTimeout);
        _ = GiveUpAsync(expired, GatewayErrors.UpstreamTimedOut, CancellationFrame.TimedOut);
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
    /// Sends <c>notifications/cancelled</c> upstream for each request in <paramref name="requests"/> that its client
    /// did not cancel itself, each recorded (verdict <c>generated</c>) before it is sent.
    /// </summary>
    private async Task CancelUpstreamAsync(List<KeyValuePair<JsonRpcId, PendingRequest>> requests, GatewayError? cause, string reason)
    {
        var writer = _upstreamWriter;
        if (writer is null || writer.IsClosed)
        {
            return;
        }

        var frames = new List<byte[]>(requests.Count);
        foreach (var (id, request) in requests)
        {
            if (request.Cancelled || request.Method == McpMethods.Initialize)
            {
                // Cancelled by its client already; initialize is never cancelled (MCP).
                continue;
            }

            var frame = CancellationFrame.Build(id, reason);
            frames.Add(frame);
            if (_runtime.Recorder is { } recorder)
            {
                var envelope = new FrameEnvelope(MessageKind.Notification, JsonRpcId.None, McpMethods.NotificationsCancelled, true, null, id);
                await recorder.NotForwardedAsync(this, FrameDirection.ClientToUpstream, envelope, request.Method, request.ToolName, new ReadOnlySequence<byte>(frame), NextSequence(), "generated", "gateway", cause).ConfigureAwait(false);
            }
        }

        if (frames.Count == 0)
        {
            return;
        }

        // An upstream that stopped reading must not keep the session (or the sweep) waiting to tell it.
        using var bounded = new CancellationTokenSource(CancellationWriteTimeout, _runtime.TimeProvider);
        try
        {
            await writer.WriteAloneAsync(frames, static (w, f) =>
            {
                foreach (var frame in f)
                {
                    w.WriteFrame(new ReadOnlySequence<byte>(frame));
                }
            }, bounded.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or IOException or InvalidOperationException or OperationCanceledException)
        {
            // The upstream is gone or does not read: nothing more to do for calls nobody waits for.
        }
    }

    /// <summary>
    /// While the gateway drains: the session closes once no call of its client is pending (seen on two sweeps in a row,
    /// so that the last response is flushed first), or at the deadline with its pending calls failed. True when closing.
    /// </summary>
    private bool SweepDrain()
    {
        if (_runtime.Drain.IsForced)
        {
            _ = GiveUpAsync(_clientPending.Drain(), GatewayDrain.ShuttingDown, CancellationFrame.ShuttingDown).ContinueWith(
                static (_, s) => ((GatewaySession)s!).Abort("gateway shutting down"), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return true;
        }

        _drainedSweeps = _clientPending.Count == 0 ? _drainedSweeps + 1 : 0;
        if (_drainedSweeps >= 2)
        {
            Abort("gateway shutting down");
            return true;
        }

        return false;
    }

    private Task<int> FailAllPendingAsync(GatewayError error) => FailAsync(_clientPending.Drain(), error);

    /// <summary>The upstream channel lost the exchange of one forwarded request: its caller gets <paramref name="error"/>, unless it was answered already.</summary>
    private void FailRequest(JsonRpcId id, GatewayError error)
    {
        if (_clientPending.TryRemove(id, out var pending))
        {
            var task = FailAsync([new(id, pending)], error);
            if (!task.IsCompleted)
            {
                _failing.TryAdd(task, true);
                _ = task.ContinueWith(static (t, s) => ((ConcurrentDictionary<Task, bool>)s!).TryRemove(t, out _), _failing, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }
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
        for (var i = 0; i < answers.Length; i++)
        {
            answers[i] = (requests[i].Key, NextSequence());
        }

        if (_runtime.Recorder is { } recorder)
        {
            var records = new Task[answers.Length];
            for (var i = 0; i < answers.Length; i++)
            {
                var (id, request) = requests[i];
                records[i] = recorder.AnsweredAsync(this, FrameDirection.UpstreamToClient, id, request.Method, request.ToolName, answers[i].Sequence, error).AsTask();
            }

            await Task.WhenAll(records).ConfigureAwait(false);
        }

        try
        {
            await _clientWriter.WriteAloneAsync((this, answers, error), static (w, s) =>
            {
                foreach (var (id, sequence) in s.answers)
                {
                    w.WriteError(id, s.error, s.Item1.CorrelationId(sequence));
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
