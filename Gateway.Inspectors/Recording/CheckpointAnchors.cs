using McpGateway.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Recording;

/// <summary>The anchors <c>audit.anchors</c> names: a URL becomes an <see cref="HttpCheckpointAnchor"/>, anything else a <see cref="FileCheckpointAnchor"/>.</summary>
internal static class CheckpointAnchors
{
    public static IReadOnlyList<ICheckpointAnchor> Create(AuditSettings settings, TimeProvider timeProvider, ILogger logger) =>
        [.. settings.Anchors.Select(a => IsUrl(a, out var url)
            ? (ICheckpointAnchor)new HttpCheckpointAnchor(url, timeProvider, logger)
            : new FileCheckpointAnchor(a))];

    public static bool IsUrl(string anchor, out Uri url) =>
        Uri.TryCreate(anchor, UriKind.Absolute, out url!) && url.Scheme is "http" or "https";
}
