namespace McpGateway.Inspectors.External;

/// <summary>The <c>approval</c> of an external inspector: what a call it holds waits for (as an <c>approve</c> policy rule says).</summary>
internal sealed class ExternalApprovalOptions
{
    public IList<string> ApproverGroups { get; } = [];

    /// <summary>Distinct approvers that must approve (default 1).</summary>
    public int? RequiredApprovals { get; set; }

    /// <summary>How long a held call waits before it gets -31005 (default 5 minutes).</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>The longest time-bound grant an approver may give (default none).</summary>
    public TimeSpan? MaxGrant { get; set; }
}
