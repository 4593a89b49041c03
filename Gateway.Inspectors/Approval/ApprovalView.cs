namespace McpGateway.Inspectors.Approval;

/// <summary>An approval request as approvers see it (CLI, admin API): masked arguments only, never the raw call.</summary>
internal sealed record ApprovalView(
    string Id,
    ApprovalState State,
    string SessionId,
    string Subject,
    string Connection,
    string Tool,
    string? MaskedArguments,
    string? RuleId,
    IReadOnlyList<string> ApproverGroups,
    int RequiredApprovals,
    IReadOnlyList<ApprovalVoteRecord> Votes,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    ApprovalGrant? Grant);
