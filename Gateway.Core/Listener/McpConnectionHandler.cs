using McpGateway.Core.Identity;
using McpGateway.Core.Sessions;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace McpGateway.Core.Listener;

/// <summary>Kestrel hands every accepted TCP connection here; each becomes one gateway session.</summary>
internal sealed class McpConnectionHandler(GatewayRuntime runtime, ClientCertificateMapper certificates) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        // A TLS client certificate is only looked at when the first frame comes without a token.
        var certificate = connection.Features.Get<ITlsConnectionFeature>()?.ClientCertificate;
        Func<string, GatewayIdentity?>? certificateIdentity = certificate is null ? null : sessionId => certificates.Map(certificate, sessionId);
        var session = new GatewaySession(runtime, connection.Transport, connection.RemoteEndPoint?.ToString(), certificateIdentity);
        await using (session.ConfigureAwait(false))
        {
            await session.RunAsync(connection.ConnectionClosed).ConfigureAwait(false);
        }
    }
}
