using McpGateway.Core.Identity;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// The approvers' side of approvals, used by the admin HTTP API (and through it by <c>mcpgw approvals</c>). Works
/// across gateway instances that share a store: a vote cast on one instance reaches the instance holding the call.
/// The desk enforces the rules of a vote itself (approver groups, no self-approval, distinct approvers, grant limits);
/// callers only authenticate the approver.
/// </summary>
internal interface IApprovalDesk
{
    /// <summary>Requests in <paramref name="state"/> (all when null), newest first.</summary>
    Task<IReadOnlyList<ApprovalView>> ListAsync(ApprovalState? state, CancellationToken cancellationToken);

    Task<ApprovalView?> GetAsync(string id, CancellationToken cancellationToken);

    Task<ApprovalVoteResult> VoteAsync(string id, GatewayIdentity approver, ApprovalVote vote, CancellationToken cancellationToken);
}
