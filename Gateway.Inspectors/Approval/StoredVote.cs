using McpGateway.Inspectors.Approval;

namespace McpGateway.Inspectors.Approval;

/// <summary>A vote with the grant its approver asked for, if any (the view shows only the vote).</summary>
internal sealed record StoredVote(ApprovalVoteRecord Vote, TimeSpan? Grant, bool SameArgumentsOnly);
