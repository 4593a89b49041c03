using McpGateway.Core.Framing;

namespace McpGateway.Core.Chain;

/// <summary>The directions an inspector wants to see; the chain only calls it for those.</summary>
[Flags]
public enum InspectedDirections
{
    None = 0,
    ClientToUpstream = 1,
    UpstreamToClient = 2,
    Both = ClientToUpstream | UpstreamToClient,
}

internal static class InspectedDirectionsExtensions
{
    public static bool Includes(this InspectedDirections directions, FrameDirection direction) =>
        (directions & (direction == FrameDirection.ClientToUpstream ? InspectedDirections.ClientToUpstream : InspectedDirections.UpstreamToClient)) != 0;
}
