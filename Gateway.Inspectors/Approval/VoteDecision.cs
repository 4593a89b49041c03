using McpGateway.Inspectors.Approval;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// What one vote does to a request: the result for the voter and, when it counts, the vote to store, the request's new
/// state (still pending unless decided), the decider and reason, and the grant to create.
/// </summary>
internal sealed record VoteDecision(ApprovalVoteResult Result, StoredVote? Vote = null, ApprovalState State = ApprovalState.Pending, string? DecidedBy = null, string? Reason = null, ApprovalGrant? Grant = null)
{
    /// <summary>The request had expired without a decision: the vote is late, and the store marks it timed out.</summary>
    public bool Expired { get; init; }
}
