using McpGateway.Core.Identity;
using McpGateway.Core.Sessions;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace McpGateway.Core.Listener;

/// <summary>Kestrel hands every accepted TCP connection here; each becomes one gateway session.</summary>
internal sealed class McpConnectionHandler(GatewayRuntime runtime, ClientCertificateMapper certificates) : ConnectionHandler
{
    private const string ShuttingDown = "gateway_shutting_down";

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        // The lease was taken by TcpAdmission before TLS; a connection over the limits never gets here.
        var lease = TcpAdmission.Lease(connection) ?? throw new InvalidOperationException("the TCP listener runs without TcpAdmission in front of it");
        if (runtime.Drain.IsDraining)
        {
            // Shutting down: closed at once, before a byte is read.
            runtime.Metrics.SessionRefused(ShuttingDown);
            connection.Abort();
            return;
        }

        // Once the drain is over, whatever is left (e.g. a connection still waiting to authenticate) is closed.
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed, runtime.Drain.Closed);

        // A TLS client certificate is only looked at when the first frame comes without a token.
        var certificate = connection.Features.Get<ITlsConnectionFeature>()?.ClientCertificate;
        Func<string, GatewayIdentity?>? certificateIdentity = certificate is null ? null : sessionId => certificates.Map(certificate, sessionId);
        runtime.Metrics.ConnectionOpened();
        try
        {
            var session = new GatewaySession(runtime, connection.Transport, connection.RemoteEndPoint?.ToString(), certificateIdentity, lease);
            await using (session.ConfigureAwait(false))
            {
                await session.RunAsync(closed.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            runtime.Metrics.ConnectionClosed();
        }
    }
}
