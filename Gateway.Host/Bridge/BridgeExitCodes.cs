namespace McpGateway.Host.Bridge;

/// <summary>The exit codes of <c>mcpgw bridge</c>, as its usage text lists them.</summary>
internal static class BridgeExitCodes
{
    /// <summary>The MCP client closed stdin; the bridge closed the connection.</summary>
    public const int ClientClosed = 0;

    /// <summary>The gateway closed the connection (or it broke) while relaying.</summary>
    public const int GatewayClosed = 1;

    public const int Usage = 2;

    /// <summary>No token could be had, or the gateway refused <c>mcpgateway/authenticate</c>.</summary>
    public const int AuthenticationFailed = 3;

    /// <summary>The gateway could not be reached: connection refused, TLS handshake failed.</summary>
    public const int GatewayUnreachable = 4;

    /// <summary>
    /// The gateway accepted the bridge but could not reach the connection's MCP server (<c>-31007</c>): the server did
    /// not start or is down. The gateway's log says why (the server's stderr); the token is not the problem.
    /// </summary>
    public const int UpstreamUnavailable = 5;
}
