namespace McpGateway.Core.Recording;

/// <summary>
/// A signed statement that the records before <see cref="Sequence"/> were purged by retention, and that the chain goes
/// on from record <see cref="Sequence"/>, whose <c>prev_hash</c> is <see cref="PrevHash"/>. Written at <see cref="TimeMicros"/>.
/// </summary>
internal sealed record AuditAnchor(long Sequence, byte[] PrevHash, long TimeMicros, byte[] Signature);
