using McpGateway.Inspectors.Approval;
using McpGateway.Core.Identity;
using McpGateway.Core.Recording;
using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// The approvers' side, over the shared store: the vote's rules (<see cref="ApprovalVoting"/>) are applied by the store
/// under a lock on the request, and the instance holding the call hears of the outcome through the store, whichever
/// instance took the vote. Every vote is recorded with its approver and what became of it, refused ones included; if the
/// audit store cannot take the record the vote still stands (the holder records the outcome with every vote before the
/// call moves on, and refuses it when it cannot). An approval of a call whose masking hides more than the configured share
/// of its arguments is refused (<see cref="ApprovalVoteResult.RevealRequired"/>) unless the approver may reveal them.
/// </summary>
internal sealed class ApprovalDesk(IApprovalStore store, ApprovalAudit audit, TimeProvider timeProvider, ILogger<ApprovalDesk> logger, ApprovalReveal reveal) : IApprovalDesk
{
    public async Task<IReadOnlyList<ApprovalView>> ListAsync(ApprovalState? state, CancellationToken cancellationToken)
    {
        // Pending requests past their deadline whose holder has not swept them yet are listed as they are shown: timed out.
        var now = timeProvider.GetUtcNow();
        var entries = await store.ListAsync(state is ApprovalState.TimedOut ? null : state, cancellationToken).ConfigureAwait(false);
        return [.. entries.Select(e => AsOf(e.ToView(), now)).Where(v => state is null || v.State == state)];
    }

    public async Task<ApprovalView?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        var entry = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return null;
        }

        return AsOf(entry.ToView(), timeProvider.GetUtcNow());
    }

    /// <summary>
    /// The request, when this vote approves a pending call the approver may decide but whose hidden share needs the right
    /// to reveal, which the approver lacks; null when the store's rules decide (they also answer the other refusals).
    /// The masked arguments never change, so reading them before the store's locked vote is no race.
    /// </summary>
    private async Task<ApprovalEntry?> RevealRequiredAsync(string id, GatewayIdentity approver, ApprovalVote vote, CancellationToken cancellationToken)
    {
        if (!vote.Approve || reveal.MayReveal(approver))
        {
            return null;
        }

        var entry = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return entry is { State: ApprovalState.Pending } && !string.Equals(entry.Request.Subject, approver.Subject, StringComparison.Ordinal)
            && approver.Groups.Any(g => entry.Request.ApproverGroups.Contains(g, StringComparer.Ordinal))
            && reveal.NeedsReveal(entry.Request.MaskedArguments) ? entry : null;
    }

    /// <summary>A pending request whose deadline has passed is timed out, whether or not its holder has recorded that yet.</summary>
    private static ApprovalView AsOf(ApprovalView view, DateTimeOffset now) =>
        view.State == ApprovalState.Pending && view.ExpiresAt <= now ? view with { State = ApprovalState.TimedOut } : view;

    public async Task<ApprovalVoteResult> VoteAsync(string id, GatewayIdentity approver, ApprovalVote vote, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(approver);
        ArgumentNullException.ThrowIfNull(vote);
        var (decision, entry) = await RevealRequiredAsync(id, approver, vote, cancellationToken).ConfigureAwait(false) is { } refused
            ? (new VoteDecision(ApprovalVoteResult.RevealRequired), refused)
            : await store.VoteAsync(id, approver, vote, cancellationToken).ConfigureAwait(false);
        ApprovalLog.Voted(logger, id, approver.Subject, vote.Approve ? "approve" : "deny", ApprovalAudit.ResultText(decision.Result));
        if (entry is not null)
        {
            try
            {
                await audit.VoteAsync(entry.Request, approver, vote, decision.Result, cancellationToken).ConfigureAwait(false);
            }
            catch (AuditUnavailableException ex)
            {
                ApprovalLog.NotRecorded(logger, id, "approval_vote", ex);
            }
        }

        return decision.Result;
    }
}
