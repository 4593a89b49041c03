namespace McpGateway.Core.Recording;

/// <summary>
/// A signed statement that the chain's head was record <see cref="Sequence"/> with <see cref="Hash"/> at <see cref="TimeMicros"/>.
/// A linked checkpoint (<see cref="Counter"/> set) also commits to the checkpoint before it (<see cref="PreviousDigest"/>),
/// says why it was signed and at which interval the gateway signs; a legacy checkpoint (written before links existed)
/// has none of these.
/// </summary>
internal sealed record AuditCheckpoint(long Sequence, byte[] Hash, long TimeMicros, byte[] Signature)
{
    /// <summary>1 for the first linked checkpoint of a store, then one more each; null for a legacy checkpoint.</summary>
    public long? Counter { get; init; }

    /// <summary>The <see cref="CheckpointSigner.Digest"/> of checkpoint <see cref="Counter"/> - 1; 32 zero bytes for the first.</summary>
    public byte[]? PreviousDigest { get; init; }

    public CheckpointKind Kind { get; init; } = CheckpointKind.Periodic;

    /// <summary>The checkpoint interval the signing gateway was configured with, in milliseconds; 0 for a legacy checkpoint.</summary>
    public long IntervalMillis { get; init; }

    public bool IsLinked => Counter is not null;

    /// <summary>
    /// The root of the log's Merkle tree of <see cref="Sequence"/> leaves (records 1 to <see cref="Sequence"/>): this
    /// checkpoint is a signed tree head. Null for checkpoints signed before the tree (linked or legacy).
    /// </summary>
    public byte[]? Root { get; init; }
}
