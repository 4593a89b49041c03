using System.Net;
using System.Net.Sockets;

namespace McpGateway.Benchmarks.Load;

/// <summary>The load driver's idle-memory probe: what one idle connection costs a relay, from its VmRSS.</summary>
internal static class IdleProbe
{
    /// <summary>Connections opened and closed before the measured ones, so first-use costs are not counted.</summary>
    internal const int WarmConnections = 32;

    /// <summary>
    /// Opens <paramref name="count"/> idle connections (authenticated through the gateway) to a freshly started relay
    /// and reads its VmRSS before and after. A few connections come and go first, so that first-use costs (JIT, pools)
    /// are not counted as per-connection memory.
    /// </summary>
    public static async Task<IdleResult> MeasureAsync(
        string name,
        Func<CancellationToken, Task<ProxyProcess>> start,
        bool authenticate,
        int count,
        CancellationToken cancellationToken)
    {
        var sockets = new List<Socket>(count);
        ProxyProcess? relay = null;
        try
        {
            relay = await start(cancellationToken).ConfigureAwait(false);
            var endpoint = relay.Endpoint;
            await OpenIdleAsync(endpoint, authenticate, WarmConnections, sockets, cancellationToken).ConfigureAwait(false);
            Close(sockets);
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);

            var before = ProcStat.ResidentKiB(relay.Pid);
            await OpenIdleAsync(endpoint, authenticate, count, sockets, cancellationToken).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
            var after = ProcStat.ResidentKiB(relay.Pid);
            var result = new IdleResult(name, count, before, after);
            Console.WriteLine($"load: {name} idle: VmRSS {before / 1024.0:N1} MiB -> {after / 1024.0:N1} MiB with {count} idle connections = {result.KiBPerConnection:N1} KiB each");
            return result;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or InvalidOperationException)
        {
            return IdleResult.Failed(name, count, $"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            Close(sockets);
            if (relay is not null)
            {
                await relay.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static Task OpenIdleAsync(IPEndPoint endpoint, bool authenticate, int count, List<Socket> sockets, CancellationToken cancellationToken) =>
        ConnectionOpener.OpenAsync(count, async ct =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            lock (sockets)
            {
                sockets.Add(socket);
            }

            await socket.ConnectAsync(endpoint, ct).ConfigureAwait(false);
            if (authenticate)
            {
                await LoadConnection.AuthenticateAsync(socket, ct).ConfigureAwait(false);
            }
        }, cancellationToken);

    private static void Close(List<Socket> sockets)
    {
        foreach (var socket in sockets)
        {
            socket.Dispose();
        }

        sockets.Clear();
    }
}
