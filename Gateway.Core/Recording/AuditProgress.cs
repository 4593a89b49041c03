namespace McpGateway.Core.Recording;

/// <summary>How far a long pass over the audit store has come: <paramref name="Done"/> of <paramref name="Total"/> records.</summary>
internal readonly record struct AuditProgress(long Done, long Total);
