using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpGateway.Tests.EndToEnd.FrontDoor;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.Http;

/// <summary>
/// Issue #14, finding 1: request smuggling into an <c>http</c> upstream. A 2026-07-28 request claims its protocol
/// version in <c>params._meta</c>, and the gateway repeats that claim as the upstream's <c>MCP-Protocol-Version</c>
/// header. A claim carrying CR LF once ended that header section, smuggling a second request (a policy-blocked tool,
/// with the gateway's own credential) behind an allowed one. Against the official TypeScript SDK's stateless server,
/// over TCP and over the front door, the claim must be refused with <c>-32602</c> and no byte of it may reach the
/// upstream; the server lists every HTTP request it parsed.
/// </summary>
[TestFixture]
internal sealed class UpstreamHeaderInjectionTests
{
    private const string Connection = "stateless";
    private const string GatewayCredential = "Bearer gateway-own-credential-7c1e";
    private const string BlockAdmin = """{ "id": "no-admin", "action": "block", "reason": "administration is not for agents", "match": { "tools": [ "admin_tool" ] } },""";

    private HttpMcpServer _server = null!;
    private ConfiguredFrontDoor _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        _server = await HttpMcpServer.StartStatelessSdkAsync(timeout.Token);
        _gateway = await ConfiguredFrontDoor.StartAsync(
            Connection,
            $$"""{ "transport": "http", "url": {{JsonSerializer.Serialize(_server.Url.ToString())}}, "connectRetries": 1, "headers": { "Authorization": { "value": "{{GatewayCredential}}" } } }""",
            timeout.Token,
            extraRules: BlockAdmin);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        await _server.DisposeAsync();
    }

    /// <summary>
    /// The frame of the review: an allowed <c>echo</c> whose claimed version ends the header section, declares a body
    /// that is a <c>tools/call admin_tool</c>, and opens a third request to swallow what the gateway sends after it.
    /// </summary>
    private static string SmugglingFrame(string id)
    {
        var admin = """{"jsonrpc":"2.0","id":99,"method":"tools/call","params":{"name":"admin_tool","arguments":{}}}""";
        var claim = "2025-06-18\r\nContent-Type: application/json\r\nContent-Length: "
            + admin.Length.ToString(CultureInfo.InvariantCulture) + "\r\n\r\n" + admin + "GET /x HTTP/1.1\r\nX-Pad: x";
        return new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id,
            ["method"] = "tools/call",
            ["params"] = new JsonObject
            {
                ["name"] = "echo",
                ["arguments"] = new JsonObject { ["message"] = "harmless" },
                ["_meta"] = new JsonObject { ["io.modelcontextprotocol/protocolVersion"] = claim },
            },
        }.ToJsonString();
    }

    [Test]
    [CancelAfter(30000)]
    public async Task TcpClient_ClaimedVersionSmugglesARequest_32602AndOnlyTheClientsOwnRequestsReachTheUpstream(CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        var before = await StatsAsync(http, cancellationToken);
        await using var client = await RawMcpClient.ConnectAsync(_gateway.Gateway.Endpoint, cancellationToken);
        var authenticated = await client.AuthenticateAsync(Connection, cancellationToken, _gateway.Token);
        await client.InitializeAsync(cancellationToken);

        var blocked = await client.RequestAsync("direct", "tools/call", new JsonObject { ["name"] = "admin_tool", ["arguments"] = new JsonObject() }, cancellationToken);
        await client.SendAsync(SmugglingFrame("smuggle"), cancellationToken);
        var refused = await client.ReadResponseAsync("smuggle", cancellationToken);
        var echo = await client.RequestAsync("after", "tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = "still here" } }, cancellationToken);
        var after = await StatsAsync(http, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(authenticated["result"], Is.Not.Null, authenticated.ToJsonString());
            Assert.That((int?)blocked["error"]?["code"], Is.EqualTo(-31003), "the policy blocks admin_tool when asked directly");
            Assert.That((int?)refused["error"]?["code"], Is.EqualTo(-32602), refused.ToJsonString());
            Assert.That((string?)refused["error"]?["data"]?["reason"], Is.EqualTo("invalid_protocol_version"));
            Assert.That(refused.ToJsonString(), Does.Not.Contain("admin_tool"), "an error never echoes the offending input");
            Assert.That((string?)echo["result"]?["content"]?[0]?["text"], Is.EqualTo("Echo: still here"));
            Assert.That(NewRequests(before, after), Is.EqualTo(new[] { "POST /mcp initialize", "POST /mcp notifications/initialized", "POST /mcp tools/call echo" }));
            Assert.That((int?)after["adminRuns"], Is.Zero);
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task FrontDoor_ClaimedVersionSmugglesARequest_32602AndOnlyTheClientsOwnRequestsReachTheUpstream(CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        var before = await StatsAsync(http, cancellationToken);
        using var initialized = await http.SendAsync(FrontDoorRig.Post(_gateway.Url, FrontDoorRig.Initialize(), _gateway.Token), cancellationToken);
        var sessionId = initialized.Headers.GetValues("Mcp-Session-Id").Single();
        using var notified = await http.SendAsync(FrontDoorRig.Post(_gateway.Url, """{"jsonrpc":"2.0","method":"notifications/initialized"}""", _gateway.Token, sessionId), cancellationToken);

        using var smuggled = await http.SendAsync(FrontDoorRig.Post(_gateway.Url, SmugglingFrame("smuggle"), _gateway.Token, sessionId), cancellationToken);
        var refused = JsonNode.Parse(await smuggled.Content.ReadAsStringAsync(cancellationToken))!;
        using var stateless = await http.SendAsync(FrontDoorRig.Post(_gateway.Url, SmugglingFrame("stateless-smuggle"), _gateway.Token), cancellationToken);
        var statelessRefused = JsonNode.Parse(await stateless.Content.ReadAsStringAsync(cancellationToken))!;
        using var echoed = await http.SendAsync(
            FrontDoorRig.Post(_gateway.Url, """{"jsonrpc":"2.0","id":"after","method":"tools/call","params":{"name":"echo","arguments":{"message":"still here"}}}""", _gateway.Token, sessionId),
            cancellationToken);
        var echo = JsonNode.Parse(await echoed.Content.ReadAsStringAsync(cancellationToken))!;
        var after = await StatsAsync(http, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(notified.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That((int?)refused["error"]?["code"], Is.EqualTo(-32602), refused.ToJsonString());
            Assert.That((string?)refused["error"]?["data"]?["reason"], Is.EqualTo("invalid_protocol_version"));
            Assert.That((string?)refused["id"], Is.EqualTo("smuggle"));
            Assert.That((int?)statelessRefused["error"]?["code"], Is.EqualTo(-32602), "a stateless request (no session id) is refused alike");
            Assert.That((string?)statelessRefused["id"], Is.EqualTo("stateless-smuggle"));
            Assert.That((string?)echo["result"]?["content"]?[0]?["text"], Is.EqualTo("Echo: still here"));
            Assert.That(NewRequests(before, after), Is.EqualTo(new[] { "POST /mcp initialize", "POST /mcp notifications/initialized", "POST /mcp tools/call echo" }));
            Assert.That((int?)after["adminRuns"], Is.Zero);
        });
    }

    private async Task<JsonObject> StatsAsync(HttpClient http, CancellationToken cancellationToken) =>
        JsonNode.Parse(await http.GetStringAsync(new Uri(_server.Url, "/stats"), cancellationToken))!.AsObject();

    /// <summary>
    /// The requests the server parsed since <paramref name="before"/>, but the GET stream the gateway may try to open
    /// after <c>notifications/initialized</c> (this server offers none), whose timing is the gateway's own.
    /// </summary>
    private static IEnumerable<string?> NewRequests(JsonObject before, JsonObject after) =>
        after["requests"]!.AsArray().Skip(before["requests"]!.AsArray().Count).Select(r => (string?)r).Where(r => r != "GET /mcp");
}
