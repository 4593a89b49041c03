namespace McpGateway.Inspectors.Approval;

/// <summary>
/// A time-bound grant: <see cref="Subject"/> may call <see cref="Tool"/> of <see cref="Connection"/> without a new
/// approval until <see cref="ExpiresAt"/>; with <see cref="ArgumentsHash"/>, only with exactly those arguments.
/// </summary>
internal sealed record ApprovalGrant(string Id, string Subject, string Connection, string Tool, string? ArgumentsHash, string GrantedBy, DateTimeOffset ExpiresAt);
