using McpGateway.Inspectors.Approval;

namespace McpGateway.Inspectors.Approval;

/// <summary>A request with where it stands: its state, votes, the decider and their reason, and the grant it gave.</summary>
internal sealed record ApprovalEntry(
    ApprovalRequest Request,
    ApprovalState State,
    IReadOnlyList<StoredVote> Votes,
    string? DecidedBy,
    string? DecisionReason,
    ApprovalGrant? Grant)
{
    public ApprovalView ToView() => new(
        Request.Id,
        State,
        Request.SessionId,
        Request.Subject,
        Request.Connection,
        Request.Tool,
        Request.MaskedArguments,
        Request.RuleId,
        Request.ApproverGroups,
        Request.RequiredApprovals,
        [.. Votes.Select(v => v.Vote)],
        Request.CreatedAt,
        Request.ExpiresAt,
        Grant);
}
