namespace McpGateway.Core.Recording;

/// <summary>The log's head as a store reads it under its write lock: the chain's last record and the Merkle root of the tree of <see cref="Size"/> leaves.</summary>
internal sealed record AuditTreeHead(long Size, byte[] Hash, byte[] Root);
