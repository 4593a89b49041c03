namespace McpGateway.Core.Recording;

/// <summary>
/// An append-only, hash-chained audit store. <see cref="AppendAsync"/> completes when the record is durably committed,
/// or throws <see cref="AuditUnavailableException"/> when it cannot be; callers refuse the frame then.
/// </summary>
internal interface IAuditStore
{
    /// <summary>Appends and commits <paramref name="record"/>; many callers' records share one transaction.</summary>
    ValueTask AppendAsync(AuditRecord record, CancellationToken cancellationToken);

    /// <summary>True unless the last commit failed; <see cref="ProbeAsync"/> rechecks.</summary>
    bool IsAvailable { get; }

    /// <summary>Whether the store can take writes now; a store that recovered reports available again.</summary>
    Task<bool> ProbeAsync(CancellationToken cancellationToken);

    /// <summary>Every record from <paramref name="fromSequence"/> on, in sequence order.</summary>
    IAsyncEnumerable<StoredAuditRecord> ReadAsync(long fromSequence, CancellationToken cancellationToken);

    /// <summary>The last committed record's sequence and hash (0 and <see cref="AuditHashChain.Genesis"/> when empty).</summary>
    Task<(long Sequence, byte[] Hash)> ReadHeadAsync(CancellationToken cancellationToken);

    Task AppendCheckpointAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>
    /// Signs the head and stores the checkpoint, linked to the newest linked checkpoint, under the lock appenders take:
    /// <paramref name="sign"/> gets the head (sequence and hash) and that checkpoint (null when there is none), so
    /// several gateways sharing a store extend one chain of checkpoints.
    /// </summary>
    Task<AuditCheckpoint> AppendLinkedCheckpointAsync(Func<long, byte[], AuditCheckpoint?, AuditCheckpoint> sign, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="AppendLinkedCheckpointAsync"/>, with the log's Merkle root at the head: <paramref name="sign"/> gets
    /// the tree head (size = the head's sequence, its hash, the root) and the newest linked checkpoint. A store written
    /// before the tree rebuilds it from its records first (the upgrade).
    /// </summary>
    Task<AuditCheckpoint> AppendTreeHeadAsync(Func<AuditTreeHead, AuditCheckpoint?, AuditCheckpoint> sign, CancellationToken cancellationToken);

    /// <summary>
    /// A perfect subtree of the log's Merkle tree as the store keeps it: level <paramref name="level"/> (2^level leaves),
    /// the <paramref name="index"/>-th from the left; null when it is not kept (below 256 leaves, not complete, or a store
    /// written before the tree).
    /// </summary>
    Task<byte[]?> ReadTreeNodeAsync(int level, long index, CancellationToken cancellationToken);

    IAsyncEnumerable<AuditCheckpoint> ReadCheckpointsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Retention: removes the oldest records, those older than <paramref name="beforeTimeMicros"/> and those beyond the
    /// newest <paramref name="keepRecords"/>, always keeping the last one. First a signed anchor (<paramref name="sign"/>
    /// gets the first kept sequence and its <c>prev_hash</c>) is stored, then the records before it are deleted in small
    /// transactions, so appends go on meanwhile and an interrupted purge leaves a verifiable store.
    /// </summary>
    /// <returns>How many records were removed, and the sequence the chain now starts at (0 when the store is empty).</returns>
    Task<(long Purged, long FirstSequence)> PurgeAsync(long? beforeTimeMicros, long? keepRecords, Func<long, byte[], AuditAnchor> sign, CancellationToken cancellationToken) =>
        PurgeAsync(beforeTimeMicros, keepRecords, sign, null, cancellationToken);

    /// <summary>As the other overload, reporting after each deleted chunk how many of the records to purge are gone.</summary>
    Task<(long Purged, long FirstSequence)> PurgeAsync(long? beforeTimeMicros, long? keepRecords, Func<long, byte[], AuditAnchor> sign, IProgress<AuditProgress>? progress, CancellationToken cancellationToken);

    IAsyncEnumerable<AuditAnchor> ReadAnchorsAsync(CancellationToken cancellationToken);
}
