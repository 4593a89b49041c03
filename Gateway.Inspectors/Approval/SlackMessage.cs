using System.Globalization;
using System.Text.Json.Nodes;
using McpGateway.Inspectors.Approval;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// A notice as a Slack-compatible incoming-webhook message: <c>text</c> (the fallback every client shows) and
/// <c>blocks</c> (who asked, connection, tool, masked arguments, rule, approvers needed, expiry, the CLI command and the
/// admin API URL). Text the requester controls (tool, arguments) is shown as plain text or inside code, where Slack makes
/// no links, mentions or formatting of it (backticks are replaced, so it cannot close its code block); mrkdwn text is
/// escaped first and then cut to Slack's block limits, never inside an escape or a surrogate pair.
/// </summary>
internal static class SlackMessage
{
    /// <summary>Slack refuses a section text over 3000 characters; the arguments get what the rest leaves.</summary>
    private const int MaxArgumentsChars = 2900;
    private const int CutArgumentsChars = 2780;

    /// <summary>Slack refuses a field text over 2000 characters.</summary>
    private const int MaxFieldChars = 2000;

    public static JsonObject Build(ApprovalNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var expires = notice.ExpiresAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        var approvers = string.Create(CultureInfo.InvariantCulture, $"{notice.RequiredApprovals} from {string.Join(", ", notice.ApproverGroups)}");
        var text = $"Approval needed: {notice.Subject} wants to call `{Code(notice.Tool)}` on {notice.Connection} (rule {notice.RuleId ?? "-"}), "
            + $"{approvers}, until {expires}. Approve: {notice.ApproveCommand}"
            + (notice.ApproveUrl is { } url ? $" or POST {url}/approve" : "");
        var blocks = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "header",
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Cut($"Approval needed: {notice.Tool}", 150) },
            },
            new JsonObject
            {
                ["type"] = "section",
                ["fields"] = new JsonArray
                {
                    Field("Requested by", notice.Subject),
                    Field("Connection", notice.Connection),
                    Field("Tool", notice.Tool),
                    Field("Rule", notice.RuleId ?? "-"),
                    Field("Approvals needed", approvers),
                    Field("Expires", expires),
                },
            },
            Section($"*Arguments (masked: {Hidden(notice.MaskedArguments)}{CutNote(notice)})*\n```{EscapeCut(Code(notice.MaskedArguments ?? "(none)"), ArgumentsBudget(notice))}```"),
            Section($"*Approve from a terminal*\n`{Escape(notice.ApproveCommand)}`"
                + (notice.ApproveUrl is { } api ? $"\n*Admin API*\n`POST {Escape(api.AbsoluteUri)}/approve`" : "")),
            new JsonObject
            {
                ["type"] = "context",
                ["elements"] = new JsonArray { new JsonObject { ["type"] = "mrkdwn", ["text"] = $"Request {Escape(notice.RequestId)}" } },
            },
        };
        return new JsonObject { ["text"] = Escape(text), ["blocks"] = blocks };
    }

    /// <summary>How much the masked spans hide, so that nobody approves a call that is mostly labels without knowing it.</summary>
    private static string Hidden(string? masked)
    {
        var share = MaskedShare.Of(masked);
        var text = string.Create(CultureInfo.InvariantCulture, $"{share.HiddenChars} of {share.HiddenChars + share.ShownChars} characters hidden, {share.WholeShare * 100:0}%");
        if (share.LargestValueShare > share.WholeShare)
        {
            text = string.Create(CultureInfo.InvariantCulture, $"{text}, {share.LargestValueShare * 100:0}% of one value");
        }

        return share.SuspiciousSpans == 0 ? text : string.Create(CultureInfo.InvariantCulture, $"{text}; {share.SuspiciousSpans} masked span(s) hold shell or path syntax");
    }

    /// <summary>Says so when the arguments do not fit the message, so that nobody approves what the notice did not show.</summary>
    private static string CutNote(ApprovalNotice notice)
    {
        var length = Escape(Code(notice.MaskedArguments ?? "(none)")).Length;
        return length <= MaxArgumentsChars
            ? ""
            : string.Create(CultureInfo.InvariantCulture, $"; CUT: the first {CutArgumentsChars} of {length} characters shown, all of them with mcpgw approvals show");
    }

    // A cut block leaves room for the note in its heading: Slack refuses a section over 3000 characters.
    private static int ArgumentsBudget(ApprovalNotice notice) =>
        Escape(Code(notice.MaskedArguments ?? "(none)")).Length <= MaxArgumentsChars ? MaxArgumentsChars : CutArgumentsChars;

    private static JsonObject Field(string name, string value) =>
        new() { ["type"] = "plain_text", ["text"] = Cut($"{name}: {value}", MaxFieldChars), ["emoji"] = false };

    private static JsonObject Section(string mrkdwn) =>
        new() { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = mrkdwn } };

    /// <summary>Slack's mrkdwn control characters, so that text from the call cannot become a link or a mention.</summary>
    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>Text for a code span or block: a backtick becomes a look-alike that cannot end it.</summary>
    private static string Code(string text) => text.Replace('`', '\u02CB');

    /// <summary>Escaped, then cut to <paramref name="max"/> characters without splitting an escape.</summary>
    private static string EscapeCut(string text, int max)
    {
        var escaped = Escape(text);
        if (escaped.Length <= max)
        {
            return escaped;
        }

        var end = Boundary(escaped, max - 1);
        var amp = escaped.LastIndexOf('&', end - 1, Math.Min(end, 4));
        if (amp >= 0 && escaped.IndexOf(';', amp, end - amp) < 0)
        {
            end = amp;
        }

        return escaped[..end] + "…";
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..Boundary(text, max - 1)] + "…";

    /// <summary><paramref name="end"/>, or one less where it would split a surrogate pair.</summary>
    private static int Boundary(string text, int end) => end > 0 && char.IsHighSurrogate(text[end - 1]) ? end - 1 : end;
}
