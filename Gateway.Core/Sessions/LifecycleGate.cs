using McpGateway.Core.Framing;

namespace McpGateway.Core.Sessions;

/// <summary>
/// The MCP lifecycle of one session as the gateway enforces it: until the upstream has answered <c>initialize</c>
/// with a result (or <c>server/discover</c> with a 2026-07-28 or later version, an era without initialize), only
/// <c>ping</c> and the handshake pass. Opened by the upstream pump, read by the client pump.
/// </summary>
internal sealed class LifecycleGate
{
    private volatile bool _open;

    /// <summary>True once requests other than the handshake may pass.</summary>
    public bool IsOpen => _open;

    /// <summary>The handshake succeeded (or the session has no handshake, as a stateless front-door session).</summary>
    public void Open() => _open = true;

    /// <summary>What may pass before the handshake: ping, the handshake and the era probe, and the gateway's own authenticate (a renewal, answered by the gateway).</summary>
    public static bool AllowedBeforeInitialize(string? method) =>
        method == McpMethods.Ping || method == McpMethods.Initialize || method == McpMethods.ServerDiscover || method == McpMethods.Authenticate;

    /// <summary>
    /// Whether the upstream's successful answer to <paramref name="requestMethod"/>, in a session that now speaks
    /// <paramref name="protocolVersion"/>, completes the handshake.
    /// </summary>
    public static bool Completes(string? requestMethod, string? protocolVersion) =>
        requestMethod == McpMethods.Initialize
        || (requestMethod == McpMethods.ServerDiscover && !RelayRules.AllowsServerRequests(protocolVersion));
}
