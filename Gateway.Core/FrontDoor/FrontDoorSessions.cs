using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using McpGateway.Core.Configuration;
using McpGateway.Core.Sessions;
using Microsoft.AspNetCore.Http;

namespace McpGateway.Core.FrontDoor;

/// <summary>
/// The open HTTP sessions: those a client started with <c>initialize</c> (by <c>Mcp-Session-Id</c>), and one shared
/// session per token and connection for stateless requests (protocol 2026-07-28, or any request without a session
/// id), whose upstream stays open between requests until <see cref="FrontDoorSettings.StatelessIdleTimeout"/> passes
/// with nothing in flight: clients (and SDK probes) open one per token and never close it.
/// </summary>
internal sealed class FrontDoorSessions : IAsyncDisposable
{
    private readonly GatewayRuntime _runtime;
    private readonly TimeSpan _statelessIdleTimeout;
    private readonly ITimer _reaper;
    private readonly ConcurrentDictionary<string, FrontDoorSession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<(FrontDoorSession? Session, FrontDoorRefusal? Refusal)>>> _stateless = new(StringComparer.Ordinal);

    public FrontDoorSessions(GatewayRuntime runtime)
    {
        _runtime = runtime;
        _statelessIdleTimeout = runtime.Settings.FrontDoor?.StatelessIdleTimeout ?? FrontDoorSettings.DefaultStatelessIdleTimeout;

        // A few looks per timeout, at least once a second: a session closes within a quarter of the timeout after it.
        var interval = TimeSpan.FromTicks(Math.Clamp(_statelessIdleTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond * 50, TimeSpan.TicksPerSecond));
        _reaper = runtime.TimeProvider.CreateTimer(static s => ((FrontDoorSessions)s!).CloseIdleStateless(), this, interval, interval);
    }

    public GatewayRuntime Runtime => _runtime;

    public int Count => _sessions.Count;

    public bool TryGet(string id, out FrontDoorSession session) => _sessions.TryGetValue(id, out session!) && !session.IsClosed;

    /// <summary>A new session for a client's <c>initialize</c>.</summary>
    /// <param name="resource">The URL the client reached <paramref name="connection"/> at (RFC 9728's resource); null: none holds.</param>
    public async Task<(FrontDoorSession? Session, FrontDoorRefusal? Refusal)> StartAsync(string connection, string? resource, string token, string? remoteAddress, CancellationToken cancellationToken)
    {
        var started = await StartSessionAsync(connection, resource, token, stateless: false, remoteAddress, cancellationToken).ConfigureAwait(false);
        if (started.Session is { } session)
        {
            Track(session, null);
        }

        return started;
    }

    /// <summary>The session that serves stateless requests bearing <paramref name="token"/> on <paramref name="connection"/>, started on first use.</summary>
    public async Task<(FrontDoorSession? Session, FrontDoorRefusal? Refusal)> GetStatelessAsync(string connection, string? resource, string token, string? remoteAddress)
    {
        var key = connection + "\n" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        while (true)
        {
            var lazy = _stateless.GetOrAdd(key, _ => new Lazy<Task<(FrontDoorSession?, FrontDoorRefusal?)>>(
                () => StartSessionAsync(connection, resource, token, stateless: true, remoteAddress, CancellationToken.None)));
            (FrontDoorSession? Session, FrontDoorRefusal? Refusal) started;
            try
            {
                started = await lazy.Value.ConfigureAwait(false);
            }
            catch
            {
                // Not remembered either: the next request starts afresh.
                _stateless.TryRemove(new KeyValuePair<string, Lazy<Task<(FrontDoorSession?, FrontDoorRefusal?)>>>(key, lazy));
                throw;
            }

            if (started.Session is { IsClosed: true })
            {
                // Ended meanwhile (idle timeout, drain): start another.
                _stateless.TryRemove(new KeyValuePair<string, Lazy<Task<(FrontDoorSession?, FrontDoorRefusal?)>>>(key, lazy));
                continue;
            }

            if (started.Session is null)
            {
                // A refusal is not remembered: the next request tries again (e.g. once the identity provider is back).
                _stateless.TryRemove(new KeyValuePair<string, Lazy<Task<(FrontDoorSession?, FrontDoorRefusal?)>>>(key, lazy));
            }
            else if (!_sessions.ContainsKey(started.Session.Id))
            {
                Track(started.Session, (key, lazy));
            }

            return started;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _reaper.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(_sessions.Values.Select(s => s.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    /// <summary>
    /// Closes each stateless session idle for the timeout, as a client's DELETE would: its upstream closes and its
    /// connection is no longer counted. It is forgotten first, so that a request arriving now starts a new one.
    /// </summary>
    private void CloseIdleStateless()
    {
        foreach (var (key, entry) in _stateless)
        {
            if (!entry.IsValueCreated || !entry.Value.IsCompletedSuccessfully || entry.Value.Result.Session is not { } session
                || !session.IsIdleFor(_statelessIdleTimeout))
            {
                continue;
            }

            if (_stateless.TryRemove(new KeyValuePair<string, Lazy<Task<(FrontDoorSession?, FrontDoorRefusal?)>>>(key, entry)))
            {
                FrontDoorLog.StatelessIdle(_runtime.Logger, session.Id, _statelessIdleTimeout);
                _ = session.CloseAsync();
            }
        }
    }

    private void Track(FrontDoorSession session, (string Key, Lazy<Task<(FrontDoorSession?, FrontDoorRefusal?)>> Entry)? stateless)
    {
        if (!_sessions.TryAdd(session.Id, session))
        {
            return;
        }

        session.Closed.ContinueWith(
            _ =>
            {
                _sessions.TryRemove(session.Id, out var _);
                if (stateless is { } entry)
                {
                    _stateless.TryRemove(new KeyValuePair<string, Lazy<Task<(FrontDoorSession?, FrontDoorRefusal?)>>>(entry.Key, entry.Entry));
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task<(FrontDoorSession? Session, FrontDoorRefusal? Refusal)> StartSessionAsync(string connection, string? resource, string token, bool stateless, string? remoteAddress, CancellationToken cancellationToken)
    {
        string? refusal = GatewayDrain.ShuttingDown.Reason;
        var lease = _runtime.Drain.IsDraining ? null : _runtime.Limiter.TryAccept(out refusal);
        if (lease is null)
        {
            _runtime.Metrics.SessionRefused(refusal ?? GatewayDrain.ShuttingDown.Reason);
            return (null, FrontDoorRefusal.Create(StatusCodes.Status503ServiceUnavailable, (int)Errors.GatewayErrorCode.Overloaded, refusal ?? "gateway_shutting_down", "Service unavailable: the gateway accepts no new session now"));
        }

        return await FrontDoorSession.StartAsync(_runtime, lease, connection, resource, token, stateless, remoteAddress, cancellationToken).ConfigureAwait(false);
    }
}
