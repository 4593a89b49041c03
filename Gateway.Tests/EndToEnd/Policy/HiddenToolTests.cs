using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using McpGateway.Tests.EndToEnd.Support;

namespace McpGateway.Tests.EndToEnd.Policy;

/// <summary>
/// Against server-everything: with a policy, a call to a tool the identity may not see is answered exactly like a call
/// to a tool that does not exist, byte for byte apart from the id and the correlation id, so that probing names never
/// tells which hidden tools exist. Without a policy the upstream's own answer is relayed.
/// </summary>
[TestFixture]
internal sealed partial class HiddenToolTests
{
    /// <summary>echo and get-sum visible; get-env hidden by a rule; every other tool (e.g. get-tiny-image) hidden by the default.</summary>
    private const string Deny = """
        { "default": "deny", "rules": [
          { "id": "visible", "action": "allow", "match": { "tools": [ "echo", "get-s*" ] } },
          { "id": "no-env", "action": "block", "match": { "tools": [ "get-e*" ] } } ] }
        """;

    /// <summary>Everything visible but what the rule hides.</summary>
    private const string Allow = """
        { "default": "allow", "rules": [
          { "id": "no-env", "action": "block", "match": { "tools": [ "get-e*" ] } } ] }
        """;

    [TestCase(Deny, "get-tiny-image", "no-such-tool", "not_allowed_by_default")]
    [TestCase(Deny, "get-tiny-image", "get-sum-of-all", "not_allowed_by_default")]
    [TestCase(Deny, "get-env", "get-environment", "blocked_by_policy")]
    [TestCase(Allow, "get-env", "get-environment", "blocked_by_policy")]
    [CancelAfter(30000)]
    public async Task ToolsCall_HiddenAndNonexistentTool_AnsweredAlike(string policy, string hidden, string nonexistent, string reason, CancellationToken cancellationToken)
    {
        await using var rig = await EverythingPolicyRig.StartAsync(policy, cancellationToken);
        await using var client = await rig.ConnectAsync(cancellationToken);
        await client.RequestAsync("list", "tools/list", null, cancellationToken);

        var forHidden = await CallRawAsync(client, "hidden", hidden, cancellationToken);
        var forNonexistent = await CallRawAsync(client, "nonexistent", nonexistent, cancellationToken);

        Assert.That(Normalised(forNonexistent), Is.EqualTo(Normalised(forHidden)));
        Assert.That((string?)JsonNode.Parse(forHidden)!["error"]?["data"]?["reason"], Is.EqualTo(reason), forHidden);
    }

    [TestCase(false)]
    [TestCase(true)]
    [CancelAfter(30000)]
    public async Task ToolsCall_NonexistentToolTheDefaultAllows_AnsweredLikeAHiddenOne(bool listedByAnotherSession, CancellationToken cancellationToken)
    {
        const string AllowWithDefaultHidden = """
            { "default": "allow", "rules": [
              { "id": "no-env", "action": "block", "match": { "tools": [ "get-e*" ] } } ] }
            """;
        await using var rig = await EverythingPolicyRig.StartAsync(AllowWithDefaultHidden, cancellationToken);
        await using var client = await rig.ConnectAsync(cancellationToken);
        if (listedByAnotherSession)
        {
            await using var other = await rig.ConnectAsync(cancellationToken);
            await other.RequestAsync("list", "tools/list", null, cancellationToken);
        }
        else
        {
            await client.RequestAsync("list", "tools/list", null, cancellationToken);
        }

        var answer = JsonNode.Parse(await CallRawAsync(client, "nonexistent", "no-such-tool", cancellationToken))!;
        var visible = await client.RequestAsync("visible", "tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = "hi" } }, cancellationToken);

        Assert.That((int?)answer["error"]?["code"], Is.EqualTo(-31003), answer.ToJsonString());
        Assert.That((string?)answer["error"]?["data"]?["reason"], Is.EqualTo("not_allowed_by_default"));
        Assert.That((string?)answer["error"]?["data"]?["rule"], Is.Null);
        Assert.That((string?)visible["result"]?["content"]?[0]?["text"], Is.EqualTo("Echo: hi"), "a visible tool still works");
    }

    [Test]
    [CancelAfter(15000)]
    public async Task ToolsCall_UpstreamAnswersUnknownToolWithJsonRpcError_AnsweredLikeAHiddenOne(CancellationToken cancellationToken)
    {
        const string Policy = """{ "default": "deny", "rules": [ { "id": "probe", "action": "allow", "match": { "tools": [ "missing-*", "echo" ] } } ] }""";
        await using var rig = await PolicyRig.StartAsync(Policy, cancellationToken);
        await using var client = await rig.ConnectAsync("spy", cancellationToken);
        await client.RequestAsync("list", "tools/list", null, cancellationToken);

        var forHidden = await CallRawAsync(client, "hidden", "rm", cancellationToken);
        var forNonexistent = await CallRawAsync(client, "nonexistent", "missing-tool", cancellationToken);

        Assert.That(Normalised(forNonexistent), Is.EqualTo(Normalised(forHidden)));
        Assert.That((string?)JsonNode.Parse(forHidden)!["error"]?["data"]?["reason"], Is.EqualTo("not_allowed_by_default"), forHidden);
    }

    [Test]
    [CancelAfter(30000)]
    public async Task ToolsCall_NonexistentToolWithoutPolicy_UpstreamAnswerRelayed(CancellationToken cancellationToken)
    {
        await using var rig = await EverythingPolicyRig.StartAsync(null, cancellationToken);
        await using var client = await rig.ConnectAsync(cancellationToken);
        await client.RequestAsync("list", "tools/list", null, cancellationToken);

        var answer = JsonNode.Parse(await CallRawAsync(client, "nonexistent", "no-such-tool", cancellationToken))!;

        Assert.That(answer.ToJsonString(), Does.Contain("-32602").And.Contain("no-such-tool"), "the upstream's own answer");
        Assert.That(answer["error"]?["data"]?["reason"], Is.Null);
    }

    private static async Task<string> CallRawAsync(RawMcpClient client, string id, string tool, CancellationToken cancellationToken)
    {
        await client.SendAsync(new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id,
            ["method"] = "tools/call",
            ["params"] = new JsonObject { ["name"] = tool, ["arguments"] = new JsonObject() },
        }, cancellationToken);
        while (true)
        {
            var line = await client.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException();
            var message = JsonNode.Parse(line)!.AsObject();
            if (!message.ContainsKey("method") && (string?)message["id"] == id)
            {
                return line;
            }
        }
    }

    /// <summary>The answer's bytes with the id and the correlation id blanked, which differ per call by design.</summary>
    private static string Normalised(string line) =>
        CorrelationId().Replace(Id().Replace(line, "\"id\":\"*\"", 1), "\"correlationId\":\"*\"");

    [GeneratedRegex("\"id\":\"[^\"]*\"")]
    private static partial Regex Id();

    [GeneratedRegex("\"correlationId\":\"[^\"]*\"")]
    private static partial Regex CorrelationId();
}
