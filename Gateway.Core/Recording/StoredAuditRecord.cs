namespace McpGateway.Core.Recording;

/// <summary>A committed record with its place in the chain: <c>Hash = SHA-256(PrevHash || canonical(Sequence, Record))</c>.</summary>
internal sealed record StoredAuditRecord(long Sequence, AuditRecord Record, byte[] PrevHash, byte[] Hash);
