using System.Collections.Frozen;

namespace McpGateway.Core.Framing;

/// <summary>The MCP protocol versions the gateway relays: the closed set a version a peer names is checked against.</summary>
internal static class McpProtocolVersions
{
    /// <summary>The stateless revision: version and capabilities travel in each request's <c>_meta</c>.</summary>
    public const string Stateless = "2026-07-28";

    public static FrozenSet<string> Known { get; } = new[] { "2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", Stateless }.ToFrozenSet(StringComparer.Ordinal);

    public static bool IsKnown(string? version) => version is not null && Known.Contains(version);
}
