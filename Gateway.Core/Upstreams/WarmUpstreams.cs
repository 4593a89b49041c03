using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;
using McpGateway.Core.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpGateway.Core.Upstreams;

/// <summary>
/// The <see cref="WarmSocketPool"/> of every tcp connection with <c>warmConnections</c> above 0: filled once the
/// gateway has started, emptied and closed as soon as it starts draining (no session starts after that).
/// </summary>
internal sealed class WarmUpstreams : IHostedLifecycleService, IAsyncDisposable
{
    private readonly FrozenDictionary<string, WarmSocketPool> _pools;
    private readonly ILogger _logger;

    public WarmUpstreams(GatewaySettings settings, TimeProvider timeProvider, ILogger<WarmUpstreams> logger)
    {
        _logger = logger;
        _pools = settings.Connections.Values
            .OfType<TcpConnectionSettings>()
            .Where(tcp => tcp.WarmConnections > 0)
            .ToFrozenDictionary(tcp => tcp.Name, tcp => new WarmSocketPool(tcp, timeProvider, logger), StringComparer.Ordinal);
    }

    /// <summary>A warm socket to <paramref name="connection"/>, or false when it keeps none or none is ready.</summary>
    public bool TryTake(string connection, [NotNullWhen(true)] out Socket? socket)
    {
        if (_pools.TryGetValue(connection, out WarmSocketPool? pool))
        {
            return pool.TryTake(out socket);
        }

        socket = null;
        return false;
    }

    /// <summary>Sockets of <paramref name="connection"/> ready to be taken now (0 when it keeps none).</summary>
    public int Idle(string connection) => _pools.TryGetValue(connection, out WarmSocketPool? pool) ? pool.Idle : 0;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        foreach (var (name, pool) in _pools)
        {
            WarmUpstreamLog.Warming(_logger, name, pool.Target);
            pool.Start();
        }

        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken) => await DisposeAsync().ConfigureAwait(false);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (WarmSocketPool pool in _pools.Values)
        {
            await pool.DisposeAsync().ConfigureAwait(false);
        }
    }
}
