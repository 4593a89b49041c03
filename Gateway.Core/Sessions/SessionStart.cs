using McpGateway.Core.Configuration;
using McpGateway.Core.Identity;
using McpGateway.Core.Upstreams;

namespace McpGateway.Core.Sessions;

/// <summary>
/// What a successful handshake yields: who the client is, which connection it opened, and the upstream channel, open.
/// <see cref="ReplayFirstFrame"/>: the first frame was an ordinary MCP frame accepted on the strength of a client
/// certificate; it stays in the client's input for the pump.
/// </summary>
internal sealed record SessionStart(GatewayIdentity Identity, ConnectionSettings Connection, IUpstreamChannel Upstream, bool ReplayFirstFrame = false);
