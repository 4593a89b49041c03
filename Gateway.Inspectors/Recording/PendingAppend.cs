using McpGateway.Core.Recording;

namespace McpGateway.Inspectors.Recording;

/// <summary>A record waiting in the group-commit queue, and the task its caller awaits.</summary>
internal sealed class PendingAppend(AuditRecord record)
    : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public AuditRecord Record { get; } = record;
}
