namespace McpGateway.Inspectors.Approval;

/// <summary>
/// A held call as the store keeps it: who asked for what (the arguments only as their hash and masked), under which
/// rule's terms (approvers, count, deadline, longest grant), and which instance holds it.
/// </summary>
internal sealed record ApprovalRequest(
    string Id,
    string InstanceId,
    string SessionId,
    string Subject,
    string Connection,
    string Tool,
    string? RpcId,
    long FrameSequence,
    string ArgumentsHash,
    string? MaskedArguments,
    string RuleId,
    IReadOnlyList<string> ApproverGroups,
    int RequiredApprovals,
    TimeSpan MaxGrant,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt);
