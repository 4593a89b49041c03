using System.Net.Sockets;
using McpGateway.Core.Configuration;
using McpGateway.Core.Identity;
using McpGateway.Core.Recording;

namespace McpGateway.Core.Admin;

/// <summary>
/// Whether the gateway can serve a new session now: the authenticator is ready (e.g. the IdP's keys are loaded) and
/// the audit store (when recording is on) can take writes, every registered <see cref="IReadinessCheck"/> is ready (e.g. out-of-process inspectors), and every tcp upstream accepts a TCP connection within <see cref="ConnectTimeout"/>. Stdio upstreams are spawned per
/// session and not probed. The result is cached for <see cref="CacheFor"/>, so a busy scraper cannot turn the probe
/// into load on the upstreams.
/// </summary>
internal sealed class ReadinessProbe(GatewaySettings settings, IGatewayAuthenticator authenticator, TimeProvider timeProvider, IAuditStore? auditStore = null, IEnumerable<IReadinessCheck>? checks = null) : IDisposable
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _probing = new(1, 1);
    private IReadOnlyList<string>? _upstreamsNotReady;
    private long _probedAt;

    /// <summary>What is not ready, each as <c>kind:name</c> (<c>authenticator:oidc</c>, <c>upstream:files</c>); empty when ready.</summary>
    public async Task<IReadOnlyList<string>> CheckAsync(CancellationToken cancellationToken)
    {
        var notReady = new List<string>();
        if (!authenticator.IsReady)
        {
            notReady.Add($"authenticator:{authenticator.Mode}");
        }

        if (auditStore is not null && !await auditStore.ProbeAsync(cancellationToken).ConfigureAwait(false))
        {
            notReady.Add("audit:store");
        }

        foreach (var check in checks ?? [])
        {
            notReady.AddRange(check.NotReady());
        }

        notReady.AddRange(await UpstreamsAsync(cancellationToken).ConfigureAwait(false));
        return notReady;
    }

    private async Task<IReadOnlyList<string>> UpstreamsAsync(CancellationToken cancellationToken)
    {
        await _probing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_upstreamsNotReady is not null && timeProvider.GetElapsedTime(_probedAt) < CacheFor)
            {
                return _upstreamsNotReady;
            }

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
            _upstreamsNotReady = [.. results.OfType<string>()];
            _probedAt = timeProvider.GetTimestamp();
            return _upstreamsNotReady;
        }
        finally
        {
            _probing.Release();
        }
    }

    public void Dispose() => _probing.Dispose();

    /// <summary>Whether <paramref name="host"/>:<paramref name="port"/> accepts a TCP connection (for http upstreams: the URL's host and port).</summary>
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
