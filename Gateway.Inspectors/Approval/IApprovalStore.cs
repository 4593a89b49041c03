using McpGateway.Inspectors.Approval;
using McpGateway.Core.Identity;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// Held calls, votes and grants, shared by every gateway instance that uses the same store. A change made through any
/// instance raises <see cref="Changed"/> on the instances that listen (promptly: in process, or PostgreSQL NOTIFY).
/// Every state change is conditional on the request still being pending, so exactly one outcome wins.
/// </summary>
internal interface IApprovalStore : IAsyncDisposable
{
    /// <summary>For logs and errors, e.g. <c>sqlite:/srv/mcpgw/approvals.db</c>.</summary>
    string Description { get; }

    /// <summary>A request changed (a vote, a decision, a timeout, a withdrawal); the argument is its id.</summary>
    event Action<string>? Changed;

    /// <summary>Starts hearing about changes made through other instances; returns once listening (or having tried).</summary>
    Task StartListeningAsync(CancellationToken cancellationToken);

    Task CreateAsync(ApprovalRequest request, CancellationToken cancellationToken);

    Task<ApprovalEntry?> GetAsync(string id, CancellationToken cancellationToken);

    /// <summary>Newest first; requests past their deadline without a decision are marked timed out first.</summary>
    Task<IReadOnlyList<ApprovalEntry>> ListAsync(ApprovalState? state, CancellationToken cancellationToken);

    /// <summary>Applies <see cref="ApprovalVoting"/> under a lock on the request and stores what it decided.</summary>
    Task<(VoteDecision Decision, ApprovalEntry? Entry)> VoteAsync(string id, GatewayIdentity approver, ApprovalVote vote, CancellationToken cancellationToken);

    /// <summary>Moves a pending request to <paramref name="state"/> (timed out or withdrawn); false when it was no longer pending.</summary>
    Task<bool> FinishAsync(string id, ApprovalState state, string? reason, CancellationToken cancellationToken);

    /// <summary>An unexpired grant that covers the call, its use counted; null when there is none.</summary>
    Task<ApprovalGrant?> UseGrantAsync(string subject, string connection, string tool, string ruleId, string argumentsHash, CancellationToken cancellationToken);
}
