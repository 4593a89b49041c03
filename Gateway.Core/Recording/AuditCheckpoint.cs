namespace McpGateway.Core.Recording;

/// <summary>A signed statement that the chain's head was record <see cref="Sequence"/> with <see cref="Hash"/> at <see cref="TimeMicros"/>.</summary>
public sealed record AuditCheckpoint(long Sequence, byte[] Hash, long TimeMicros, byte[] Signature);
