using McpGateway.Inspectors.Approval;
using McpGateway.Core.Configuration;
using McpGateway.Core.Identity;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// Who may see what masking hides in a held call. Members of <c>approvals.revealGroups</c> who may decide a request can
/// read its raw arguments (from the instance that holds the call, the only place they exist) after the look is recorded,
/// and only they may approve a call whose masked spans hide more than <c>approvals.maxMaskedShare</c> of its arguments (or of
/// any one string value in them), or one of whose masked spans is marked suspicious.
/// </summary>
internal sealed class ApprovalReveal(IApprovalStore store, ApprovalAudit audit, ApprovalGate gate, ApprovalSettings settings)
{
    public enum Outcome
    {
        Revealed,
        NotFound,
        NotAllowed,
        NotPending,
        HeldElsewhere,
    }

    /// <summary>Whether <paramref name="caller"/> is in a group with the right to reveal.</summary>
    public bool MayReveal(GatewayIdentity caller) => caller.Groups.Any(g => settings.RevealGroups.Contains(g, StringComparer.Ordinal));

    /// <summary>
    /// Whether approving the request needs the right to reveal: its masking hides more than the configured share of its
    /// arguments or of any one string value in them, or a masked span is marked suspicious (it holds shell or URL syntax).
    /// </summary>
    public bool NeedsReveal(string? maskedArguments) => MaskedShare.Of(maskedArguments).NeedsReveal(settings.MaxMaskedShare);

    public double MaxMaskedShare => settings.MaxMaskedShare;

    /// <summary>The raw arguments of a pending request this instance holds, once the look is recorded (an audit failure throws: nothing is shown).</summary>
    public async Task<(Outcome Outcome, string? Arguments, string? Holder)> RevealAsync(string id, GatewayIdentity caller, CancellationToken cancellationToken)
    {
        var entry = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        if (entry is null || !caller.Groups.Any(g => entry.Request.ApproverGroups.Contains(g, StringComparer.Ordinal)))
        {
            return (Outcome.NotFound, null, null);
        }

        if (!MayReveal(caller))
        {
            return (Outcome.NotAllowed, null, null);
        }

        if (entry.State != ApprovalState.Pending)
        {
            return (Outcome.NotPending, null, null);
        }

        if (!gate.TryGetHeldArguments(id, out var arguments))
        {
            return (Outcome.HeldElsewhere, null, entry.Request.InstanceId);
        }

        await audit.RevealedAsync(entry.Request, caller, cancellationToken).ConfigureAwait(false);
        return (Outcome.Revealed, arguments, null);
    }
}
