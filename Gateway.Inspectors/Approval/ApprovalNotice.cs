namespace McpGateway.Inspectors.Approval;

/// <summary>
/// What approvers are told about a held call. <see cref="MaskedArguments"/> is the request's <c>params.arguments</c>
/// JSON after masking (the same masking as the audit record): a notice never carries a secret the masker detects.
/// </summary>
/// <param name="RequestId">The approval request's id, as <c>mcpgw approvals approve</c> and the admin API take it.</param>
/// <param name="Subject">Who asked for the call.</param>
/// <param name="Connection">The upstream connection the call goes to.</param>
/// <param name="Tool">The tool (or, for a non-tool method, the method) held.</param>
/// <param name="MaskedArguments">The call's arguments as masked JSON; <c>null</c> when it had none.</param>
/// <param name="RuleId">The policy rule that asked for the approval.</param>
/// <param name="ApproverGroups">Groups whose members may decide.</param>
/// <param name="RequiredApprovals">How many distinct approvers must approve.</param>
/// <param name="ExpiresAt">When the held call times out with -31005.</param>
/// <param name="ApproveCommand">The CLI command that approves it, e.g. <c>mcpgw approvals approve 3f…</c>.</param>
/// <param name="ApproveUrl">The admin API URL of the request, when the admin listener is configured.</param>
internal sealed record ApprovalNotice(
    string RequestId,
    string Subject,
    string Connection,
    string Tool,
    string? MaskedArguments,
    string? RuleId,
    IReadOnlyList<string> ApproverGroups,
    int RequiredApprovals,
    DateTimeOffset ExpiresAt,
    string ApproveCommand,
    Uri? ApproveUrl);
