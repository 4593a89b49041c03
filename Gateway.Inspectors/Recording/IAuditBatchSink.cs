using McpGateway.Core.Recording;

namespace McpGateway.Inspectors.Recording;

/// <summary>What a store implements for <see cref="GroupCommitWriter"/>: commit a batch in one transaction, all or nothing.</summary>
internal interface IAuditBatchSink
{
    string Description { get; }

    Task CommitAsync(IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken);

    /// <summary>
    /// The batch as its callers sealed it (leaf bytes and leaf hash computed in their threads): a store that binds rows
    /// from the leaf bytes and links the ready leaf hashes overrides this; by default the records are committed as such.
    /// </summary>
    Task CommitSealedAsync(IReadOnlyList<SealedAuditRecord> batch, CancellationToken cancellationToken) =>
        CommitAsync(batch.Select(s => s.Record).ToList(), cancellationToken);
}
