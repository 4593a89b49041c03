using System.Text.Json.Nodes;
using McpGateway.Tests.EndToEnd.Hostile;
using static McpGateway.Tests.EndToEnd.Hostile.HostileWire;

namespace McpGateway.Tests.EndToEnd.Policy;

/// <summary>
/// The policy inspector against an observing upstream: what the policy refuses gets -31003 with the rule and never
/// reaches the upstream, however the method, tool name or argument is spelled.
/// </summary>
[TestFixture]
internal sealed class PolicyEnforcementTests
{
    private const string Policy = """
        {
          "default": "deny",
          "rules": [
            { "id": "use-query-and-echo", "action": "allow", "match": { "tools": [ "query", "echo" ] } },
            { "id": "no-drop", "action": "block", "match": { "tools": [ "query" ],
              "arguments": { "sql": { "regex": "\\bDROP\\s+(TABLE|DATABASE)\\b", "ignoreCase": true } } } },
            { "id": "approve-writes", "action": "approve", "approverGroups": [ "reviewers" ], "match": { "tools": [ "write_*" ] } },
            { "id": "quiet-roots", "action": "block", "match": { "methods": [ "notifications/roots/list_changed" ] } },
            { "id": "spy2-sampling", "action": "allow", "match": { "connections": [ "spy2" ], "methods": [ "sampling/createMessage" ] } },
            { "id": "spy2-ask", "action": "allow", "match": { "connections": [ "spy2" ], "tools": [ "ask" ] } },
            { "id": "spy-ask", "action": "allow", "match": { "connections": [ "spy" ], "tools": [ "ask" ] } }
          ]
        }
        """;

    [Test]
    [CancelAfter(15000)]
    public async Task ToolsCall_AllowedSelectAndBlockedDrop_OnlyTheSelectReachesUpstream(CancellationToken cancellationToken)
    {
        await using var rig = await PolicyRig.StartAsync(Policy, cancellationToken);
        await using var client = await rig.ConnectAsync("spy", cancellationToken);

        await client.SendAsync("""{"jsonrpc":"2.0","id":"select","method":"tools/call","params":{"name":"query","arguments":{"sql":"select 1"}}}""", cancellationToken);
        var allowed = await client.ReadLineAsync(cancellationToken);
        await client.SendAsync("""{"jsonrpc":"2.0","id":"drop","method":"tools/call","params":{"name":"query","arguments":{"sql":"DROP TABLE users"}}}""", cancellationToken);
        var blocked = await client.ReadLineAsync(cancellationToken);

        AssertEchoed(allowed!, "select", "tools/call");
        AssertGatewayError(blocked!, -31003, "blocked_by_policy", "drop");
        Assert.That((string?)Parse(blocked!)["error"]!["data"]!["rule"], Is.EqualTo("no-drop"));
        await AssertNeverReachedAsync(rig, client, "drop", cancellationToken);
    }

    [TestCase("""{"jsonrpc":"2.0","id":"b","method":"tools\u002fcall","params":{"name":"query","arguments":{"sql":"DR\u004fP TABLE users"}}}""", "blocked_by_policy", "no-drop")]
    [TestCase("""{"jsonrpc":"2.0","id":"b","method":"tools/call","params":{"name":"qu\u0065ry","arguments":{"sql":"drop\ttable users"}}}""", "blocked_by_policy", "no-drop")]
    [TestCase("""{"jsonrpc":"2.0","id":"b","method":"tools/call","params":{"name":"query","arguments":{"sql":["select 1","DROP DATABASE prod"]}}}""", "blocked_by_policy", "no-drop")]
    [TestCase("""{"jsonrpc":"2.0","id":"b","method":"tools/call","params":{"name":"Query","arguments":{"sql":"select 1"}}}""", "not_allowed_by_default", null)]
    [TestCase("""{"jsonrpc":"2.0","id":"b","method":"tools/call","params":{"name":"r\u006d","arguments":{}}}""", "not_allowed_by_default", null)]
    [TestCase("""{"jsonrpc":"2.0","id":"b","method":"resources/read","params":{"uri":"file:///etc/passwd"}}""", "not_allowed_by_default", null)]
    [CancelAfter(15000)]
    public async Task ToolsCall_BypassAttempt_RefusedAndNeverForwarded(string frame, string reason, string? rule, CancellationToken cancellationToken)
    {
        await using var rig = await PolicyRig.StartAsync(Policy, cancellationToken);
        await using var client = await rig.ConnectAsync("spy", cancellationToken);

        await client.SendAsync(frame, cancellationToken);
        var refused = await client.ReadLineAsync(cancellationToken);

        AssertGatewayError(refused!, -31003, reason, "b");
        Assert.That((string?)Parse(refused!)["error"]!["data"]!["rule"], Is.EqualTo(rule));
        await AssertNeverReachedAsync(rig, client, "b", cancellationToken);
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Notification_Blocked_DroppedWithoutReply(CancellationToken cancellationToken)
    {
        await using var rig = await PolicyRig.StartAsync(Policy, cancellationToken);
        await using var client = await rig.ConnectAsync("spy", cancellationToken);

        await client.SendAsync("""{"jsonrpc":"2.0","method":"notifications/roots/list_changed"}""", cancellationToken);
        var pong = await client.RequestAsync("after", "ping", null, cancellationToken);

        Assert.That((string?)pong["result"]?["echo"], Is.EqualTo("ping"));
        var upstream = await rig.Spy.WaitForConnectionAsync(0, cancellationToken);
        Assert.That(upstream.Lines.Select(l => l.Method), Has.None.EqualTo("notifications/roots/list_changed"));
    }

    [Test]
    [CancelAfter(15000)]
    public async Task ToolsList_Response_ShowsOnlyToolsTheIdentityMayCall(CancellationToken cancellationToken)
    {
        await using var rig = await PolicyRig.StartAsync(Policy, cancellationToken);
        await using var client = await rig.ConnectAsync("spy", cancellationToken);

        var list = await client.RequestAsync("list", "tools/list", null, cancellationToken);

        var names = list["result"]!["tools"]!.AsArray().Select(t => (string?)t!["name"]);
        Assert.That(names, Is.EqualTo(new[] { "query", "echo" }), list.ToJsonString());
        Assert.That((string?)list["id"], Is.EqualTo("list"));
    }

    [Test]
    [CancelAfter(15000)]
    public async Task PromptsAndResourcesList_GetAndReadNotAllowed_Emptied(CancellationToken cancellationToken)
    {
        const string ReadOnly = """{ "rules": [ { "id": "read", "action": "allow", "match": { "methods": [ "resources/read" ] } } ] }""";
        await using var rig = await PolicyRig.StartAsync(ReadOnly, cancellationToken);
        await using var client = await rig.ConnectAsync("spy", cancellationToken);

        var prompts = await client.RequestAsync("prompts", "prompts/list", null, cancellationToken);
        var resources = await client.RequestAsync("resources", "resources/list", null, cancellationToken);

        Assert.That(prompts["result"]!["prompts"]!.AsArray(), Is.Empty, "prompts/get is not allowed");
        Assert.That(resources["result"]!["resources"]!.AsArray(), Has.Count.EqualTo(1), "resources/read is allowed");
    }

    [Test]
    [CancelAfter(15000)]
    public async Task SamplingRequest_NotAllowedOnConnection_RefusedBackToUpstream(CancellationToken cancellationToken)
    {
        await using var rig = await PolicyRig.StartAsync(Policy, cancellationToken);
        await using var client = await rig.ConnectAsync("spy", cancellationToken);

        var others = new List<JsonObject>();
        var response = await client.RequestAsync("ask", "tools/call", new JsonObject { ["name"] = "ask", ["arguments"] = new JsonObject() }, cancellationToken, others);

        Assert.That(response["result"], Is.Not.Null, response.ToJsonString());
        Assert.That(others.Select(o => (string?)o["method"]), Has.None.EqualTo("sampling/createMessage"), "the client never sees the refused request");
        var upstream = await rig.Spy.WaitForConnectionAsync(0, cancellationToken);
        var answer = await upstream.WaitForLineAsync(l => l.Text.Contains("\"sampling-1\"", StringComparison.Ordinal), cancellationToken);
        AssertGatewayError(answer.Text, -31003, "not_allowed_by_default", "sampling-1");
    }

    [Test]
    [CancelAfter(15000)]
    public async Task SamplingRequest_AllowedOnConnection_ReachesClient(CancellationToken cancellationToken)
    {
        await using var rig = await PolicyRig.StartAsync(Policy, cancellationToken);
        await using var client = await rig.ConnectAsync("spy2", cancellationToken);

        var others = new List<JsonObject>();
        await client.RequestAsync("ask", "tools/call", new JsonObject { ["name"] = "ask", ["arguments"] = new JsonObject() }, cancellationToken, others);

        Assert.That(others.Select(o => (string?)o["method"]), Has.Some.EqualTo("sampling/createMessage"));
    }

    /// <summary>Sends a ping after the refused frame and waits until the spy has it: by then the refused frame would have arrived too.</summary>
    private static async Task AssertNeverReachedAsync(PolicyRig rig, Support.RawMcpClient client, string id, CancellationToken cancellationToken)
    {
        var marker = NewId("marker");
        await client.SendRawAsync(WithNewline(Ping(marker)), cancellationToken);
        var upstream = await rig.Spy.WaitForLineAsync(Ping(marker), cancellationToken);
        Assert.That(upstream.Lines.Where(l => l.RawId == $"\"{id}\""), Is.Empty, upstream.Describe());
    }
}
