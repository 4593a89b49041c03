using System.Text.Json.Nodes;
using McpGateway.Tests.EndToEnd.Support;
using static McpGateway.Tests.EndToEnd.Hostile.HostileWire;

namespace McpGateway.Tests.EndToEnd.Hostile;

/// <summary>
/// The MCP lifecycle through the TCP listener (2025 eras): before initialize has succeeded only ping and the
/// handshake reach the upstream; a failed initialize opens nothing; a successful one opens the session.
/// </summary>
[TestFixture]
internal sealed class LifecycleTests
{
    [TestCase("""{"jsonrpc":"2.0","id":"early","method":"tools/call","params":{"name":"delete_everything","arguments":{}}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":"early","method":"tools/list"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":"early","method":"resources/read","params":{"uri":"file:///etc/passwd"}}""")]
    [CancelAfter(10000)]
    public async Task ClientRequest_BeforeInitialize_NotInitializedNeverForwarded(string request, CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Echo);
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        var pingId = NewId("ping");

        await client.SendAsync(request, cancellationToken);
        await client.SendAsync("""{"jsonrpc":"2.0","method":"notifications/roots/list_changed"}""", cancellationToken);
        await client.SendRawAsync(WithNewline(Ping(pingId)), cancellationToken);
        var lines = await ReadLinesAsync(client, 2, cancellationToken);

        var upstream = await spy.WaitForLineAsync(Ping(pingId), cancellationToken);
        AssertGatewayError(lines.Single(l => !IsResponseTo(l, pingId)), -32600, "not_initialized", "early");
        AssertEchoed(lines.Single(l => IsResponseTo(l, pingId)), pingId);
        Assert.That(Received(upstream), Is.EqualTo(new[] { Ping(pingId) }), upstream.Describe());
    }

    [Test]
    [CancelAfter(10000)]
    public async Task ClientRequest_AfterFailedInitialize_StillNotInitialized(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Scripted(line => line.Method switch
        {
            "initialize" => [Utf8($$$"""{"jsonrpc":"2.0","id":{{{line.RawId}}},"error":{"code":-32602,"message":"unsupported"}}""")],
            _ when line.IsRequest => [line.EchoResponse()],
            _ => [],
        }));
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);

        var refused = await client.RequestAsync("init-1", "initialize", Initialize(), cancellationToken);
        await client.SendAsync("""{"jsonrpc":"2.0","id":"early","method":"tools/list"}""", cancellationToken);
        var answer = await client.ReadLineAsync(cancellationToken);

        Assert.That(refused["error"], Is.Not.Null, refused.ToJsonString());
        AssertGatewayError(answer!, -32600, "not_initialized", "early");
    }

    [Test]
    [CancelAfter(10000)]
    public async Task ClientRequest_AfterInitialize_Forwarded(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Echo);
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);

        await client.RequestAsync("init-1", "initialize", Initialize(), cancellationToken);
        await client.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", cancellationToken);
        await client.SendAsync("""{"jsonrpc":"2.0","id":"list-1","method":"tools/list"}""", cancellationToken);
        var answer = await client.ReadLineAsync(cancellationToken);

        AssertEchoed(answer!, "list-1", "tools/list");
    }

    [TestCase("""["2025-06-18","2026-07-28","2025-11-25"]""", true)]
    [TestCase("""["2025-06-18","2025-11-25"]""", false)]
    [CancelAfter(10000)]
    public async Task ClientRequest_AfterDiscoverListingSupportedVersions_ForwardedOnlyFrom20260728(string supportedVersions, bool forwarded, CancellationToken cancellationToken)
    {
        // The 2026-07-28 discover result names the server's versions in supportedVersions; it has no protocolVersion.
        await using var spy = SpyUpstream.Start(SpyBehavior.Scripted(line => line.Method switch
        {
            "server/discover" => [line.ResponseWith("""{"supportedVersions":""" + supportedVersions + ""","capabilities":{"tools":{}}}""")],
            _ when line.IsRequest => [line.EchoResponse()],
            _ => [],
        }));
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);

        var discover = await client.RequestAsync("discover-1", "server/discover", new JsonObject(), cancellationToken);
        await client.SendAsync("""{"jsonrpc":"2.0","id":"list-1","method":"tools/list"}""", cancellationToken);
        var answer = await client.ReadLineAsync(cancellationToken);

        Assert.That(discover["result"], Is.Not.Null, discover.ToJsonString());
        if (forwarded)
        {
            AssertEchoed(answer!, "list-1", "tools/list");
        }
        else
        {
            AssertGatewayError(answer!, -32600, "not_initialized", "list-1");
        }
    }

    [Test]
    [CancelAfter(60000)]
    public async Task ServerEverything_ToolsCallBeforeInitialize_NotInitializedThenWorksAfter(CancellationToken cancellationToken)
    {
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Everything());
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        var call = new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = "hi" } };

        var early = await client.RequestAsync("early", "tools/call", call, cancellationToken);
        await client.InitializeAsync(cancellationToken);
        var later = await client.RequestAsync("later", "tools/call", (JsonObject)call.DeepClone(), cancellationToken);

        AssertGatewayError(early.ToJsonString(), -32600, "not_initialized", "early");
        Assert.That(later["result"], Is.Not.Null, later.ToJsonString());
    }

    private static JsonObject Initialize() => new()
    {
        ["protocolVersion"] = "2025-06-18",
        ["capabilities"] = new JsonObject(),
        ["clientInfo"] = new JsonObject { ["name"] = "t", ["version"] = "1" },
    };
}
