namespace McpGateway.Core.Framing;

/// <summary>Bounds for one direction of a connection (wire contract: defaults 64 levels and 4 MiB).</summary>
public sealed record FrameLimits(int MaxFrameBytes = FrameLimits.DefaultMaxFrameBytes, int MaxDepth = FrameLimits.DefaultMaxDepth)
{
    public const int DefaultMaxFrameBytes = 4 * 1024 * 1024;
    public const int DefaultMaxDepth = 64;

    public static FrameLimits Default { get; } = new();
}
