using McpGateway.Core.Sessions;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpGateway.Core.Listener;

/// <summary>
/// Admission to the TCP listener, as Kestrel connection middleware ahead of TLS: the socket takes its
/// <see cref="ConnectionLease"/> before the handshake, so that connections stuck in a TLS handshake count as
/// unauthenticated (per source address too) like those stuck before their first frame. The lease travels to
/// <see cref="McpConnectionHandler"/> in the connection's items and is given back when the connection ends.
/// </summary>
internal static class TcpAdmission
{
    private static readonly object LeaseKey = new();

    public static void Attach(ListenOptions listen)
    {
        var services = listen.ApplicationServices;
        GatewayRuntime? runtime = null;
        ILogger? logger = null;
        var refusing = 0;
        listen.Use(next => async connection =>
        {
            runtime ??= services.GetRequiredService<GatewayRuntime>();
            logger ??= services.GetRequiredService<ILoggerFactory>().CreateLogger("McpGateway.Listener");
            var address = SourceAddress.Key(connection.RemoteEndPoint);
            using var lease = runtime.Limiter.TryAcceptSocket(address, out var refusal);
            if (lease is null)
            {
                runtime.Metrics.SessionRefused(refusal!);
                if (Interlocked.Exchange(ref refusing, 1) == 0)
                {
                    ListenerLog.Refusing(logger, "tcp", refusal!, address?.ToString() ?? "unknown");
                }

                connection.Abort();
                return;
            }

            Volatile.Write(ref refusing, 0);
            connection.Items[LeaseKey] = lease;
            await next(connection).ConfigureAwait(false);
        });
    }

    /// <summary>The lease <see cref="Attach"/> took for <paramref name="connection"/>.</summary>
    public static ConnectionLease? Lease(ConnectionContext connection) =>
        connection.Items.TryGetValue(LeaseKey, out var lease) ? (ConnectionLease?)lease : null;
}
