using McpGateway.Core.Recording;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// A place outside the audit store that keeps a copy of every checkpoint, so <c>mcpgw audit verify --anchors</c> can
/// tell a truncated store even when its checkpoint rows are gone too. Written after the checkpoint is stored, never on
/// the frame path.
/// </summary>
internal interface ICheckpointAnchor
{
    /// <summary>The file or the URL's host, for logs (never a URL's path or query: they may hold a secret).</summary>
    string Description { get; }

    /// <summary>Hands over <paramref name="checkpoint"/>; a failure is logged by the caller and does not stop the next one.</summary>
    Task WriteAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken);
}
