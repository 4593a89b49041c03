using System.Net.Sockets;
using McpGateway.Core.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace McpGateway.Core.Admin;

/// <summary>
/// Ready when every tcp upstream (and the host and port of every http upstream's URL) accepts a TCP connection within
/// <see cref="ConnectTimeout"/>. Stdio upstreams are spawned per session and not probed. The result is cached for
/// <see cref="CacheFor"/>, so a busy scraper cannot turn the probe into load on the upstreams.
/// </summary>
internal sealed class UpstreamsHealthCheck(GatewaySettings settings, TimeProvider timeProvider) : IHealthCheck, IDisposable
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _probing = new(1, 1);
    private IReadOnlyList<string>? _notReady;
    private long _probedAt;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await _probing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_notReady is null || timeProvider.GetElapsedTime(_probedAt) >= CacheFor)
            {
                var probes = settings.Connections.Values
                    .Select(c => c switch
                    {
                        TcpConnectionSettings tcp => (c.Name, Host: tcp.Host, tcp.Port),
                        HttpConnectionSettings http => (c.Name, Host: http.Url.IdnHost, http.Url.Port),
                        _ => (c.Name, Host: (string?)null, Port: 0),
                    })
                    .Where(c => c.Host is not null)
                    .Select(async c => await ConnectsAsync(c.Host!, c.Port, cancellationToken).ConfigureAwait(false) ? null : $"upstream:{c.Name}");
                var results = await Task.WhenAll(probes).ConfigureAwait(false);
                _notReady = [.. results.OfType<string>()];
                _probedAt = timeProvider.GetTimestamp();
            }

            return Readiness.Of(_notReady);
        }
        finally
        {
            _probing.Release();
        }
    }

    public void Dispose() => _probing.Dispose();

    /// <summary>Whether <paramref name="host"/>:<paramref name="port"/> accepts a TCP connection.</summary>
    private static async Task<bool> ConnectsAsync(string host, int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
