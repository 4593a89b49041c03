using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpGateway.Tests.EndToEnd.Support;

namespace McpGateway.Tests.EndToEnd.Protocol;

/// <summary>
/// MCP behaviours seen on the wire with real servers, driven byte-exact through the gateway to server-everything
/// over stdio: out-of-order responses, notifications around the handshake, every stateful protocol version, the
/// 2026-07-28 probe, the gateway's own -32601 versus the upstream's, id shapes, escaped method names, pipelining,
/// one upstream per session, and the server's own id space for its requests.
/// </summary>
[TestFixture]
internal sealed class RawProtocolTests
{
    private const string Connection = "everything";
    private const string VendorMethod = "vendor/thing";

    private GatewayHarness _gateway = null!;

    [OneTimeSetUp]
    public async Task StartGatewayAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _gateway = await GatewayHarness.StartAsync(timeout.Token, GatewayHarness.Everything(Connection));
    }

    [OneTimeTearDown]
    public async Task StopGatewayAsync() => await _gateway.DisposeAsync();

    [Test]
    [CancelAfter(15000)]
    public async Task ToolsCall_LongRunningThenEcho_EchoAnsweredFirstAndProgressRelayed(CancellationToken cancellationToken)
    {
        await using var client = await InitializedAsync(cancellationToken);

        await client.SendAsync(Request(10, "tools/call", new JsonObject
        {
            ["name"] = "trigger-long-running-operation",
            ["arguments"] = new JsonObject { ["duration"] = 1, ["steps"] = 2 },
            ["_meta"] = new JsonObject { ["progressToken"] = "lro-1" },
        }), cancellationToken);
        await client.SendAsync(Request(11, "tools/call", EchoParams("not waiting")), cancellationToken);
        var frames = await ReadUntilAsync(client, seen => IndexOfResponse(seen, 10) >= 0 && IndexOfResponse(seen, 11) >= 0, cancellationToken);

        var echo = IndexOfResponse(frames, 11);
        var longRunning = IndexOfResponse(frames, 10);
        var progress = frames.Select((frame, index) => (frame, index))
            .Where(f => Method(f.frame) == "notifications/progress" && f.frame["params"]?["progressToken"]?.GetValue<string>() == "lro-1")
            .ToList();
        Assert.Multiple(() =>
        {
            Assert.That(echo, Is.LessThan(longRunning), "echo's response comes before the long-running one");
            Assert.That(FirstText(frames[echo]), Is.EqualTo("Echo: not waiting"));
            Assert.That(FirstText(frames[longRunning]), Does.StartWith("Long running operation completed."));
            Assert.That(progress.Select(p => p.frame["params"]!["progress"]!.GetValue<int>()), Is.EqualTo(new[] { 1, 2 }));
            Assert.That(progress.Select(p => p.index), Is.All.LessThan(longRunning));
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Initialized_CapabilityDependentTools_ListChangedNotificationsFollowInitialized(CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(Connection, cancellationToken);
        var beforeInitialized = new List<JsonObject>();
        var init = await client.RequestAsync("init", "initialize", InitializeParams("2025-06-18", new JsonObject { ["sampling"] = new JsonObject() }), cancellationToken, beforeInitialized);

        await client.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", cancellationToken);
        var frames = await ReadUntilAsync(client, seen => seen.Any(f => Method(f) == "notifications/tools/list_changed"), cancellationToken);
        var list = await client.RequestAsync("list", "tools/list", null, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(init["result"]?["protocolVersion"]?.GetValue<string>(), Is.EqualTo("2025-06-18"));
            Assert.That(beforeInitialized.Select(Method), Has.None.EqualTo("notifications/tools/list_changed"));
            Assert.That(frames.Select(Method), Has.Some.EqualTo("notifications/tools/list_changed"));
            Assert.That(ToolNames(list), Does.Contain("trigger-sampling-request"));
        });
    }

    [TestCase("2024-11-05")]
    [TestCase("2025-03-26")]
    [TestCase("2025-06-18")]
    [TestCase("2025-11-25")]
    [CancelAfter(15000)]
    public async Task Initialize_StatefulProtocolVersion_ServerAgreesToThatVersion(string version, CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(Connection, cancellationToken);

        var init = await client.RequestAsync(1, "initialize", InitializeParams(version), cancellationToken);
        await client.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", cancellationToken);
        var echo = await client.RequestAsync(2, "tools/call", EchoParams(version), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(init["result"]?["protocolVersion"]?.GetValue<string>(), Is.EqualTo(version));
            Assert.That(FirstText(echo), Is.EqualTo($"Echo: {version}"));
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task ServerDiscover_UpstreamWithoutIt_UpstreamMethodNotFoundRelayedAndSessionGoesOn(CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(Connection, cancellationToken);

        var discover = await client.RequestAsync("discover", "server/discover", new JsonObject
        {
            ["_meta"] = new JsonObject
            {
                ["io.modelcontextprotocol/protocolVersion"] = "2026-07-28",
                ["io.modelcontextprotocol/clientInfo"] = new JsonObject { ["name"] = "raw-probe", ["version"] = "1.0" },
                ["io.modelcontextprotocol/clientCapabilities"] = new JsonObject(),
            },
        }, cancellationToken);
        var init = await client.RequestAsync("init", "initialize", InitializeParams("2025-11-25"), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(discover["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-32601));
            Assert.That(discover["error"]?["data"]?["reason"], Is.Null, "the upstream's own error carries no gateway reason");
            Assert.That(init["result"]?["protocolVersion"]?.GetValue<string>(), Is.EqualTo("2025-11-25"));
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task UnknownMethod_NotAllowed_GatewayRefusesWithUnknownMethodAndSessionGoesOn(CancellationToken cancellationToken)
    {
        await using var client = await InitializedAsync(cancellationToken);

        var vendor = await client.RequestAsync(5, VendorMethod, new JsonObject(), cancellationToken);
        var ping = await client.RequestAsync(6, "ping", null, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(vendor["id"]?.GetValue<int>(), Is.EqualTo(5));
            Assert.That(vendor["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-32601));
            Assert.That(vendor["error"]?["data"]?["reason"]?.GetValue<string>(), Is.EqualTo("unknown_method"));
            Assert.That(ping["result"], Is.Not.Null);
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task UnknownMethod_AllowedByPolicy_RelayedAndUpstreamAnswers(CancellationToken cancellationToken)
    {
        var settings = GatewayHarness.Settings(GatewayHarness.Everything(Connection)) with
        {
            AllowedMethods = new[] { VendorMethod }.ToFrozenSet(StringComparer.Ordinal),
        };
        await using var gateway = await GatewayHarness.StartAsync(settings, cancellationToken);
        await using var client = await gateway.ConnectAsync(Connection, cancellationToken);
        await client.InitializeAsync(cancellationToken);

        var vendor = await client.RequestAsync(5, VendorMethod, new JsonObject(), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(vendor["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-32601), "server-everything does not know it either");
            Assert.That(vendor["error"]?["data"]?["reason"], Is.Null, "the error is the upstream's, not the gateway's");
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Request_IdZero_AnsweredWithIdZero(CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(Connection, cancellationToken);

        var init = await client.RequestAsync(0, "initialize", InitializeParams("2025-06-18"), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(init["id"]!.GetValueKind(), Is.EqualTo(JsonValueKind.Number));
            Assert.That(init["id"]!.GetValue<int>(), Is.Zero);
            Assert.That(init["result"]?["protocolVersion"]?.GetValue<string>(), Is.EqualTo("2025-06-18"));
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Request_StringId_AnsweredWithSameString(CancellationToken cancellationToken)
    {
        await using var client = await InitializedAsync(cancellationToken);

        var echo = await client.RequestAsync("call-ü/1", "tools/call", EchoParams("string id"), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(echo["id"]!.GetValue<string>(), Is.EqualTo("call-ü/1"));
            Assert.That(FirstText(echo), Is.EqualTo("Echo: string id"));
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task ToolsCall_EscapedMethodName_HandledAsToolsCall(CancellationToken cancellationToken)
    {
        await using var client = await InitializedAsync(cancellationToken);

        await client.SendAsync("""{"jsonrpc":"2.0","id":7,"method":"tools\u002fcall","params":{"name":"echo","arguments":{"message":"escaped"}}}""", cancellationToken);
        var echo = await client.ReadResponseAsync(7, cancellationToken);

        Assert.That(FirstText(echo), Is.EqualTo("Echo: escaped"));
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Authenticate_PipelinedWithInitializeInOneWrite_BothAnswered(CancellationToken cancellationToken)
    {
        await using var client = await RawMcpClient.ConnectAsync(_gateway.Endpoint, cancellationToken);
        var bytes = Encoding.UTF8.GetBytes(
            """{"jsonrpc":"2.0","id":"auth-1","method":"mcpgateway/authenticate","params":{"token":"t","connection":"everything"}}""" + "\n"
            + """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""" + "\n");

        await client.SendRawAsync(bytes, cancellationToken);
        var auth = await client.ReadResponseAsync("auth-1", cancellationToken);
        var init = await client.ReadResponseAsync(1, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(auth["result"]?["connection"]?.GetValue<string>(), Is.EqualTo(Connection));
            Assert.That(init["result"]?["serverInfo"]?["name"]?.GetValue<string>(), Is.EqualTo("mcp-servers/everything"));
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Sessions_TwoAtOnce_EachGetsItsOwnUpstreamProcess(CancellationToken cancellationToken)
    {
        // server-everything registers capability-dependent tools per process: if both sessions shared one, the
        // tool registered for the sampling client would also show up for the other.
        await using var first = await RawMcpClient.ConnectAsync(_gateway.Endpoint, cancellationToken);
        await using var second = await RawMcpClient.ConnectAsync(_gateway.Endpoint, cancellationToken);
        var firstAuth = await first.AuthenticateAsync(Connection, cancellationToken);
        var secondAuth = await second.AuthenticateAsync(Connection, cancellationToken);
        await InitializeAsync(first, new JsonObject { ["sampling"] = new JsonObject() }, cancellationToken);
        await InitializeAsync(second, new JsonObject(), cancellationToken);

        var firstTools = ToolNames(await first.RequestAsync("list", "tools/list", null, cancellationToken));
        var secondTools = ToolNames(await second.RequestAsync("list", "tools/list", null, cancellationToken));

        Assert.Multiple(() =>
        {
            Assert.That(firstAuth["result"]?["sessionId"]?.GetValue<string>(), Is.Not.EqualTo(secondAuth["result"]?["sessionId"]?.GetValue<string>()));
            Assert.That(firstTools, Does.Contain("trigger-sampling-request"));
            Assert.That(secondTools, Does.Not.Contain("trigger-sampling-request").And.Contain("echo"));
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task SamplingRequest_ServerIdEqualsPendingClientId_EachDirectionRoutedByItsOwnIds(CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(Connection, cancellationToken);
        await InitializeAsync(client, new JsonObject { ["sampling"] = new JsonObject() }, cancellationToken);

        // Client request id 0 stays pending while the server asks the client with its own id 0.
        await client.SendAsync(Request(0, "tools/call", new JsonObject
        {
            ["name"] = "trigger-sampling-request",
            ["arguments"] = new JsonObject { ["prompt"] = "hi", ["maxTokens"] = 10 },
        }), cancellationToken);
        var frames = await ReadUntilAsync(client, seen => seen.Any(f => Method(f) == "sampling/createMessage"), cancellationToken);
        var sampling = frames.First(f => Method(f) == "sampling/createMessage");
        await client.SendAsync(new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = sampling["id"]!.DeepClone(),
            ["result"] = new JsonObject
            {
                ["role"] = "assistant",
                ["content"] = new JsonObject { ["type"] = "text", ["text"] = "raw sampled" },
                ["model"] = "raw-model",
                ["stopReason"] = "endTurn",
            },
        }, cancellationToken);
        var call = await client.ReadResponseAsync(0, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(frames.Where(f => f.ContainsKey("id") && !f.ContainsKey("method")), Is.Empty, "the pending call is not answered before sampling");
            Assert.That(sampling["id"]!.GetValue<int>(), Is.Zero, "the server's own id space starts at 0 as well");
            Assert.That(FirstText(call), Does.StartWith("LLM sampling result:").And.Contains("raw sampled"));
        });
    }

    private async Task<RawMcpClient> InitializedAsync(CancellationToken cancellationToken)
    {
        var client = await _gateway.ConnectAsync(Connection, cancellationToken);
        try
        {
            await InitializeAsync(client, new JsonObject(), cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    private static async Task InitializeAsync(RawMcpClient client, JsonObject capabilities, CancellationToken cancellationToken)
    {
        var init = await client.RequestAsync("init", "initialize", InitializeParams("2025-06-18", capabilities), cancellationToken);
        Assert.That(init["result"], Is.Not.Null, init.ToJsonString());
        await client.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", cancellationToken);
    }

    private static JsonObject InitializeParams(string version, JsonObject? capabilities = null) => new()
    {
        ["protocolVersion"] = version,
        ["capabilities"] = capabilities ?? new JsonObject(),
        ["clientInfo"] = new JsonObject { ["name"] = "raw-protocol-test", ["version"] = "1.0" },
    };

    private static JsonObject Request(JsonNode id, string method, JsonObject parameters) =>
        new() { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = method, ["params"] = parameters };

    private static JsonObject EchoParams(string message) =>
        new() { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = message } };

    private static async Task<List<JsonObject>> ReadUntilAsync(RawMcpClient client, Func<List<JsonObject>, bool> done, CancellationToken cancellationToken)
    {
        var frames = new List<JsonObject>();
        while (!done(frames))
        {
            frames.Add(await client.ReadAsync(cancellationToken));
        }

        return frames;
    }

    private static int IndexOfResponse(List<JsonObject> frames, int id) =>
        frames.FindIndex(f => !f.ContainsKey("method") && f["id"] is JsonValue value && value.TryGetValue<int>(out var number) && number == id);

    private static string? Method(JsonObject frame) => frame["method"]?.GetValue<string>();

    private static string? FirstText(JsonObject response) => response["result"]?["content"]?[0]?["text"]?.GetValue<string>();

    private static List<string> ToolNames(JsonObject listResponse) =>
        [.. listResponse["result"]!["tools"]!.AsArray().Select(t => t!["name"]!.GetValue<string>())];
}
