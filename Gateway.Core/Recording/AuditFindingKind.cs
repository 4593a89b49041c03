namespace McpGateway.Core.Recording;

/// <summary>What <see cref="AuditChainVerifier"/> found wrong with a range of records.</summary>
internal enum AuditFindingKind
{
    /// <summary>A record's content no longer matches its hash.</summary>
    Modified,

    /// <summary>Sequence numbers are missing.</summary>
    Deleted,

    /// <summary>Records hash correctly only under another sequence number: they were moved.</summary>
    Reordered,

    /// <summary>A record that neither hashes correctly nor links to its predecessor: it was not written by the gateway.</summary>
    Inserted,

    /// <summary>
    /// Records a signed checkpoint vouches for are gone from the end of the chain, or the store ends on a checkpoint that
    /// is neither the gateway's final one nor recent: what was written after it was removed (or the gateway died).
    /// </summary>
    Truncated,

    /// <summary>
    /// A checkpoint whose signature does not verify, that vouches for a hash the record no longer has, or that does not
    /// link to the checkpoint before it (two different checkpoints with one counter: a forked chain).
    /// </summary>
    CheckpointMismatch,

    /// <summary>
    /// Records no checkpoint vouches for in time: none signed within the interval plus slack after them, a linked
    /// checkpoint missing from the store (its counter skipped, or present only in an anchor), or no checkpoint at all.
    /// </summary>
    CheckpointsMissing,

    /// <summary>
    /// A signed tree head whose Merkle root is not the root of the records it names, while their hash chain holds: the
    /// records were rewritten consistently, or the tree head was not the gateway's.
    /// </summary>
    TreeHeadMismatch,
}
