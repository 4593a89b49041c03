using McpGateway.Core.Recording;

namespace McpGateway.Inspectors.Recording;

/// <summary>What a store implements for <see cref="GroupCommitWriter"/>: commit a batch in one transaction, all or nothing.</summary>
internal interface IAuditBatchSink
{
    string Description { get; }

    Task CommitAsync(IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken);
}
