using System.Security.Cryptography;
using McpGateway.Inspectors.Approval;
using McpGateway.Core.Identity;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// The rules of a vote, applied by every store inside the transaction that locks the request, so two approvers voting
/// at once cannot both decide. Only a pending, unexpired request takes votes; nobody votes on their own call; only
/// members of the rule's approver groups vote, each once; one deny decides; the request is approved when the rule's
/// number of distinct approvers approved. A grant is given only when every approving vote asked for one, for the
/// shortest duration asked, bound to the arguments when any approver asked for that, and never beyond the rule's limit.
/// </summary>
internal static class ApprovalVoting
{
    public static VoteDecision Decide(ApprovalEntry entry, GatewayIdentity approver, ApprovalVote vote, DateTimeOffset now)
    {
        var request = entry.Request;
        if (entry.State != ApprovalState.Pending)
        {
            return new VoteDecision(ApprovalVoteResult.NotPending);
        }

        if (request.ExpiresAt <= now)
        {
            return new VoteDecision(ApprovalVoteResult.NotPending) { Expired = true };
        }

        if (string.Equals(approver.Subject, request.Subject, StringComparison.Ordinal))
        {
            return new VoteDecision(ApprovalVoteResult.SelfApproval);
        }

        if (!approver.Groups.Any(g => request.ApproverGroups.Contains(g, StringComparer.Ordinal)))
        {
            return new VoteDecision(ApprovalVoteResult.NotAnApprover);
        }

        if (entry.Votes.Any(v => string.Equals(v.Vote.Approver, approver.Subject, StringComparison.Ordinal)))
        {
            return new VoteDecision(ApprovalVoteResult.AlreadyVoted);
        }

        if (vote.Grant is { } asked && (!vote.Approve || request.MaxGrant <= TimeSpan.Zero || asked.Duration <= TimeSpan.Zero || asked.Duration > request.MaxGrant))
        {
            return new VoteDecision(ApprovalVoteResult.GrantNotAllowed);
        }

        var stored = new StoredVote(new ApprovalVoteRecord(approver.Subject, vote.Approve, vote.Reason, now), vote.Grant?.Duration, vote.Grant?.SameArgumentsOnly == true);
        if (!vote.Approve)
        {
            return new VoteDecision(ApprovalVoteResult.Decided, stored, ApprovalState.Denied, approver.Subject, vote.Reason);
        }

        var approvals = entry.Votes.Where(v => v.Vote.Approve).Append(stored).ToList();
        if (approvals.Count < request.RequiredApprovals)
        {
            return new VoteDecision(ApprovalVoteResult.Counted, stored);
        }

        var approvers = string.Join(", ", approvals.Select(v => v.Vote.Approver));
        ApprovalGrant? grant = null;
        if (approvals.All(v => v.Grant is not null))
        {
            grant = new ApprovalGrant(
                Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                request.Subject,
                request.Connection,
                request.Tool,
                approvals.Any(v => v.SameArgumentsOnly) ? request.ArgumentsHash : null,
                approvers,
                now + approvals.Min(v => v.Grant!.Value));
        }

        return new VoteDecision(ApprovalVoteResult.Decided, stored, ApprovalState.Approved, approvers, vote.Reason, grant);
    }
}
