using System.Text.Json.Nodes;

namespace McpGateway.Tests.EndToEnd.Policy;

/// <summary>
/// Argument rules against server-everything: a value the upstream would read as the blocked one is blocked however it
/// is spelled (an object sent as a JSON string, a number in exponent or fraction form), and never reaches the upstream.
/// </summary>
[TestFixture]
internal sealed class ArgumentRuleBypassTests
{
    private const string Policy = """
        { "default": "allow", "rules": [
          { "id": "no-prod", "action": "block", "match": { "tools": [ "echo" ], "arguments": { "message.target": { "regex": "^prod$" } } } },
          { "id": "no-big-sums", "action": "block", "match": { "tools": [ "get-sum" ], "arguments": { "a": { "regex": "^[0-9]{6,}$" } } } } ] }
        """;

    [TestCase("""{"message":"{\"target\":\"prod\"}"}""")]
    [TestCase("""{"message":"[{\"target\":\"prod\"}]"}""")]
    [TestCase("""{"message":"{\"target\":\"prod\""}""")]
    [CancelAfter(30000)]
    public async Task ToolsCall_ObjectSentAsJsonString_Blocked(string arguments, CancellationToken cancellationToken)
    {
        await using var rig = await EverythingPolicyRig.StartAsync(Policy, cancellationToken);
        await using var client = await rig.ConnectAsync(cancellationToken);

        var answer = await client.RequestAsync("attack", "tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = JsonNode.Parse(arguments) }, cancellationToken);
        var control = await client.RequestAsync("control", "tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = "{\"target\":\"staging\"}" } }, cancellationToken);

        Assert.That((int?)answer["error"]?["code"], Is.EqualTo(-31003), answer.ToJsonString());
        Assert.That((string?)answer["error"]?["data"]?["rule"], Is.EqualTo("no-prod"));
        Assert.That((string?)control["result"]?["content"]?[0]?["text"], Is.EqualTo("Echo: {\"target\":\"staging\"}"), control.ToJsonString());
    }

    [TestCase("1e6")]
    [TestCase("1E+6")]
    [TestCase("1000000.0")]
    [TestCase("10000000e-1")]
    [TestCase("\"1_000_000\"")]
    [TestCase("\"\\u00a01000000\"")]
    [TestCase("\"0xF4240\"")]
    [CancelAfter(30000)]
    public async Task ToolsCall_LargeNumberInAnotherSpelling_Blocked(string a, CancellationToken cancellationToken)
    {
        await using var rig = await EverythingPolicyRig.StartAsync(Policy, cancellationToken);
        await using var client = await rig.ConnectAsync(cancellationToken);

        await client.SendAsync("""{"jsonrpc":"2.0","id":"attack","method":"tools/call","params":{"name":"get-sum","arguments":{"a":""" + a + ""","b":1}}}""", cancellationToken);
        var answer = await client.ReadAsync(cancellationToken);
        while (answer.ContainsKey("method"))
        {
            // server-everything sends notifications of its own (logging, list changes) at any time.
            answer = await client.ReadAsync(cancellationToken);
        }

        var control = await client.RequestAsync("control", "tools/call", new JsonObject { ["name"] = "get-sum", ["arguments"] = new JsonObject { ["a"] = 99999, ["b"] = 1 } }, cancellationToken);

        Assert.That((string?)answer["id"], Is.EqualTo("attack"));
        Assert.That((int?)answer["error"]?["code"], Is.EqualTo(-31003), answer.ToJsonString());
        Assert.That((string?)answer["error"]?["data"]?["rule"], Is.EqualTo("no-big-sums"));
        Assert.That((string?)control["result"]?["content"]?[0]?["text"], Does.Contain("100000"), control.ToJsonString());
    }

    [TestCase("""{"name":"echo","Arguments":{"message":"{\"target\":\"prod\"}"}}""")]
    [TestCase("""{"name":"echo","ARGUMENTS":{"message":"{\"target\":\"prod\"}"}}""")]
    [TestCase("""{"NAME":"echo","arguments":{"message":"{\"target\":\"prod\"}"}}""")]
    [CancelAfter(30000)]
    public async Task ToolsCall_ParamsMemberInAnotherCase_RefusedBeforeAnyRuleOrUpstream(string parameters, CancellationToken cancellationToken)
    {
        // A case-blind upstream (C# with web defaults, Go's encoding/json) reads Arguments as arguments; the rules read
        // only the exact spelling, so such a frame has two meanings and is refused by the parsing rule.
        await using var rig = await EverythingPolicyRig.StartAsync(Policy, cancellationToken);
        await using var client = await rig.ConnectAsync(cancellationToken);

        var answer = await client.RequestAsync("attack", "tools/call", JsonNode.Parse(parameters)!.AsObject(), cancellationToken);

        Assert.That((int?)answer["error"]?["code"], Is.EqualTo(-32600), answer.ToJsonString());
        Assert.That((string?)answer["error"]?["data"]?["reason"], Is.EqualTo("misspelled_member"));
    }

    [TestCase("""{"message":"{\"TARGET\":\"prod\"}"}""")]
    [TestCase("""{"MESSAGE":"{\"target\":\"prod\"}"}""")]
    [TestCase("""{"Meſſage":"{\"Target\":\"prod\"}"}""")]
    [CancelAfter(30000)]
    public async Task ToolsCall_ArgumentNameInAnotherCase_Blocked(string arguments, CancellationToken cancellationToken)
    {
        await using var rig = await EverythingPolicyRig.StartAsync(Policy, cancellationToken);
        await using var client = await rig.ConnectAsync(cancellationToken);

        var answer = await client.RequestAsync("attack", "tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = JsonNode.Parse(arguments) }, cancellationToken);

        Assert.That((int?)answer["error"]?["code"], Is.EqualTo(-31003), answer.ToJsonString());
        Assert.That((string?)answer["error"]?["data"]?["rule"], Is.EqualTo("no-prod"));
    }
}
