namespace McpGateway.Inspectors.Policy;

/// <summary>One pinned tool: the approved fingerprint and, while the upstream lists something else, that fingerprint.</summary>
internal sealed record ToolPin(string Fingerprint, string? ChangedFingerprint, DateTimeOffset PinnedAt, DateTimeOffset? ChangedAt)
{
    public bool IsChanged => ChangedFingerprint is not null;
}
