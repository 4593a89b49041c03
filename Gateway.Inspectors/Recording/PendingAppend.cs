using McpGateway.Core.Recording;

namespace McpGateway.Inspectors.Recording;

/// <summary>A record waiting in the group-commit queue (sealed by its caller), and the task its caller awaits.</summary>
internal sealed class PendingAppend(SealedAuditRecord record)
    : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public SealedAuditRecord Sealed { get; } = record;

    public AuditRecord Record => Sealed.Record;
}
