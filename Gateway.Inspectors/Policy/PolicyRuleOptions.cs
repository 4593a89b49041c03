namespace McpGateway.Inspectors.Policy;

/// <summary>One rule of the <c>policy</c> section.</summary>
internal sealed class PolicyRuleOptions
{
    /// <summary>Unique, non-empty; returned as <c>error.data.rule</c> when the rule refuses a call.</summary>
    public string? Id { get; set; }

    /// <summary><c>allow</c>, <c>block</c> or <c>approve</c>.</summary>
    public string? Action { get; set; }

    /// <summary>The masking profile the masking inspector applies to calls this rule matched.</summary>
    public string? MaskProfile { get; set; }

    /// <summary>Free text for operators; never sent to the client.</summary>
    public string? Reason { get; set; }

    public PolicyMatchOptions Match { get; set; } = new();

    /// <summary>Approve rules only: groups whose members may decide a held call (at least one).</summary>
    public IList<string> ApproverGroups { get; } = [];

    /// <summary>Approve rules only: how many distinct approvers must approve (default 1).</summary>
    public int? RequiredApprovals { get; set; }

    /// <summary>Approve rules only: how long a held call waits for a decision before it gets -31005 (default 5 minutes).</summary>
    public TimeSpan? ApprovalTimeout { get; set; }

    /// <summary>Approve rules only: the longest time-bound grant an approver may give instead of one call; absent, none.</summary>
    public TimeSpan? MaxGrant { get; set; }
}
