namespace McpGateway.Inspectors.Approval;

/// <summary>An approver's decision on one request: approve (optionally as a time-bound grant) or deny, with a reason.</summary>
internal sealed record ApprovalVote(bool Approve, string? Reason, ApprovalGrantRequest? Grant = null);
