using McpGateway.Core.Sessions;
using Microsoft.AspNetCore.Connections;

namespace McpGateway.Core.Listener;

/// <summary>Kestrel hands every accepted TCP connection here; each becomes one gateway session.</summary>
internal sealed class McpConnectionHandler(GatewayRuntime runtime) : ConnectionHandler
{
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var session = new GatewaySession(runtime, connection.Transport, connection.RemoteEndPoint?.ToString());
        await using (session.ConfigureAwait(false))
        {
            await session.RunAsync(connection.ConnectionClosed).ConfigureAwait(false);
        }
    }
}
