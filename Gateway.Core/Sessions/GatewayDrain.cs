using System.Collections.Concurrent;
using McpGateway.Core.Configuration;
using McpGateway.Core.Errors;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpGateway.Core.Sessions;

/// <summary>
/// Graceful shutdown. When the host stops (SIGTERM, Ctrl+C, <c>StopAsync</c>) this runs first, in
/// <see cref="StoppingAsync"/>, before any hosted service (Kestrel's included) stops: new
/// connections are closed at once, new requests get -31007 <c>gateway_shutting_down</c>, and each session closes as soon
/// as its in-flight calls are answered. At <see cref="GatewaySettings.ShutdownTimeout"/> the calls still pending get
/// -31007 <c>gateway_shutting_down</c> and their sessions close.
/// </summary>
internal sealed class GatewayDrain(GatewaySettings settings, TimeProvider timeProvider, ILogger<GatewayDrain> logger) : IHostedLifecycleService, IDisposable
{
    public static readonly GatewayError ShuttingDown =
        new(GatewayErrorCode.UpstreamUnavailable, "gateway_shutting_down", "The gateway is shutting down");

    private static readonly TimeSpan AfterDeadline = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _closed = new();
    private readonly ConcurrentDictionary<GatewaySession, byte> _sessions = new();
    private volatile bool _draining;
    private volatile bool _forced;

    /// <summary>The host is stopping: no new connection, no new request.</summary>
    public bool IsDraining => _draining;

    /// <summary>The deadline passed: pending calls are failed and every session closes.</summary>
    public bool IsForced => _forced;

    /// <summary>Authenticated sessions now.</summary>
    public int Sessions => _sessions.Count;

    /// <summary>Client requests forwarded and not answered yet, over all sessions (read on a metrics scrape).</summary>
    public long PendingRequests
    {
        get
        {
            long pending = 0;
            foreach (var session in _sessions.Keys)
            {
                pending += session.PendingClientRequests;
            }

            return pending;
        }
    }

    /// <summary>Cancelled when the drain is over: every connection still open closes.</summary>
    public CancellationToken Closed => _closed.Token;

    public void SessionStarted(GatewaySession session) => _sessions.TryAdd(session, 0);

    public void SessionEnded(GatewaySession session) => _sessions.TryRemove(session, out _);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        var started = timeProvider.GetTimestamp();
        DrainLog.Draining(logger, Sessions, settings.ShutdownTimeout);
        await WaitForSessionsAsync(settings.ShutdownTimeout, cancellationToken).ConfigureAwait(false);
        if (Sessions > 0)
        {
            DrainLog.DeadlinePassed(logger, Sessions);
            _forced = true;
            await WaitForSessionsAsync(AfterDeadline, cancellationToken).ConfigureAwait(false);
        }

        DrainLog.Drained(logger, timeProvider.GetElapsedTime(started), Sessions);
        await _closed.CancelAsync().ConfigureAwait(false);
    }

    public void Dispose() => _closed.Dispose();

    private async Task WaitForSessionsAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        while (Sessions > 0 && timeProvider.GetElapsedTime(started) < limit && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
