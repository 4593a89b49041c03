namespace McpGateway.Inspectors.Policy;

/// <summary>What an <c>approve</c> rule asks of a held call: who may decide, how many, by when, and the longest grant.</summary>
/// <param name="ApproverGroups">Members of any of these groups may vote; never the requester.</param>
/// <param name="RequiredApprovals">Distinct approvers that must approve; one deny decides.</param>
/// <param name="Timeout">How long the call waits before it gets -31005.</param>
/// <param name="MaxGrant">The longest time-bound grant an approver may give; <see cref="TimeSpan.Zero"/> allows none.</param>
internal sealed record ApprovalRequirement(IReadOnlyList<string> ApproverGroups, int RequiredApprovals, TimeSpan Timeout, TimeSpan MaxGrant)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);
}
