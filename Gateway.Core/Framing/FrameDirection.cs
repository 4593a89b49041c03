namespace McpGateway.Core.Framing;

/// <summary>Which way a frame travels through the gateway.</summary>
public enum FrameDirection : byte
{
    /// <summary>From the MCP client (agent) towards the upstream MCP server.</summary>
    ClientToUpstream,

    /// <summary>From the upstream MCP server back towards the client.</summary>
    UpstreamToClient,
}
