using McpGateway.Core.Recording;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// One range of sequence numbers, <paramref name="first"/> to <paramref name="last"/>, that a reader of
/// <see cref="SqliteChainReader"/> claimed; <see cref="Read"/> hands its filled and hashed batch to the verifier, which
/// takes the ranges in the order they were claimed.
/// </summary>
internal sealed class SqliteChainChunk(AuditChainBatch batch, long first, long last)
{
    private readonly TaskCompletionSource<AuditChainBatch> _read = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public AuditChainBatch Batch => batch;

    public long First => first;

    public long Last => last;

    /// <summary>The batch once it holds the range's records (none, when the range has none), or why it could not be read.</summary>
    public Task<AuditChainBatch> Read => _read.Task;

    public void Complete() => _read.TrySetResult(batch);

    public void Fail(Exception error) => _read.TrySetException(error);
}
