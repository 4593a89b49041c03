using System.Globalization;
using System.Text.Json;
using McpGateway.Inspectors.Approval;

namespace McpGateway.WebConsole.Components.Fragments;

/// <summary>How the console writes an approval request's parts: the same masked arguments and masking summary as the admin API's view.</summary>
internal static class ApprovalText
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The masked arguments, pretty-printed, exactly as <c>GET /approvals/{id}</c> shows them.</summary>
    public static string Arguments(ApprovalView view) =>
        ApprovalJson.Arguments(view.MaskedArguments)?.ToJsonString(Indented) ?? "(none)";

    /// <summary>How much masking hides, as the approval notices say it.</summary>
    public static string Masking(ApprovalView view, double maxMaskedShare)
    {
        var share = MaskedShare.Of(view.MaskedArguments);
        if (share.HiddenChars == 0)
        {
            return "nothing masked";
        }

        var text = string.Create(CultureInfo.InvariantCulture, $"{share.HiddenChars} of {share.HiddenChars + share.ShownChars} characters masked ({share.WholeShare * 100:0}%)");
        if (share.SuspiciousSpans > 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"; {share.SuspiciousSpans} masked span(s) hold shell or path syntax");
        }

        return share.NeedsReveal(maxMaskedShare) ? text + "; only a member of approvals.revealGroups may approve it" : text;
    }

    public static string State(ApprovalState state) => SqlApprovalStore.StateText(state);

    public static string Progress(ApprovalView view) =>
        string.Create(CultureInfo.InvariantCulture, $"{view.Votes.Count(v => v.Approve)} of {view.RequiredApprovals}");

    public static string TimeLeft(ApprovalView view, DateTimeOffset now)
    {
        var left = view.ExpiresAt - now;
        return left <= TimeSpan.Zero ? "expired"
            : left.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)left.TotalHours} h {left.Minutes:00} min")
            : string.Create(CultureInfo.InvariantCulture, $"{left.Minutes}:{left.Seconds:00} min");
    }

    public static string At(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>What a vote's result code means, for the message after a decision.</summary>
    public static string Result(string? result) => result switch
    {
        "decided" => "Decided. The agent's call has its answer.",
        "counted" => "Your approval is counted; more approvers are needed.",
        "not_found" => "No approval request has this id, or it is not one you decide on.",
        "not_pending" => "The request is no longer pending (decided, timed out or withdrawn).",
        "already_voted" => "You already voted on this request; it needs distinct approvers.",
        "self_approval" => "Nobody approves their own request.",
        "not_an_approver" => "You are in none of this request's approver groups.",
        "reveal_required" => "Masking hides too much of this call; only a member of approvals.revealGroups may approve it.",
        "grant_not_allowed" => "The rule allows no grant, or not for that long.",
        "reason_required" => "A denial needs a reason.",
        "invalid_grant" => "The grant duration is not one of the offered choices.",
        "unavailable" => "The approval store cannot be reached; nothing was recorded.",
        _ => "",
    };
}
