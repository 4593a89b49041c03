namespace McpGateway.Inspectors.Approval;

/// <summary>
/// An approver's choice to grant, instead of the one call, the same tool to the same identity for <see cref="Duration"/>
/// (optionally only with the same arguments). The rule bounds the duration.
/// </summary>
internal sealed record ApprovalGrantRequest(TimeSpan Duration, bool SameArgumentsOnly);
