using System.Globalization;
using System.Text.Json.Nodes;
using McpGateway.Core.Approval;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// A notice as a Slack-compatible incoming-webhook message: <c>text</c> (the fallback every client shows) and
/// <c>blocks</c> (who asked, connection, tool, masked arguments, rule, approvers needed, expiry, the CLI command and the
/// admin API URL). Text from the call is escaped for Slack's mrkdwn and cut to Slack's block limits.
/// </summary>
internal static class SlackMessage
{
    /// <summary>Slack refuses a section text over 3000 characters; the arguments get what the rest leaves.</summary>
    private const int MaxArgumentsChars = 2500;

    public static JsonObject Build(ApprovalNotice notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var expires = notice.ExpiresAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        var approvers = string.Create(CultureInfo.InvariantCulture, $"{notice.RequiredApprovals} from {string.Join(", ", notice.ApproverGroups)}");
        var text = $"Approval needed: {notice.Subject} wants to call {notice.Tool} on {notice.Connection} (rule {notice.RuleId ?? "-"}), "
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
            Section($"*Arguments (masked)*\n```{Escape(Cut(notice.MaskedArguments ?? "(none)", MaxArgumentsChars))}```"),
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

    private static JsonObject Field(string name, string value) =>
        new() { ["type"] = "mrkdwn", ["text"] = $"*{name}*\n{Escape(Cut(value, 1900))}" };

    private static JsonObject Section(string mrkdwn) =>
        new() { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = mrkdwn } };

    /// <summary>Slack's mrkdwn control characters, so that text from the call cannot become a link or a mention.</summary>
    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
