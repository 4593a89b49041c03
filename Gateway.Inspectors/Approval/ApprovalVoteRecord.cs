namespace McpGateway.Inspectors.Approval;

/// <summary>One approver's vote on a request, as stored and shown.</summary>
internal sealed record ApprovalVoteRecord(string Approver, bool Approve, string? Reason, DateTimeOffset At);
