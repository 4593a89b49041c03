using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.Protocol;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.Http;

/// <summary>
/// server-everything in its Streamable HTTP mode as the upstream of an <c>http</c> connection (2025-11-25: one MCP
/// session per client session, SSE responses, the GET stream, DELETE at the end), reached by unmodified MCP clients:
/// the TypeScript SDK through <c>mcpgw bridge</c>, the C# SDK over TCP, and a raw line client that watches timing.
/// </summary>
[TestFixture]
internal sealed class UpstreamEverythingHttpTests
{
    private const string Connection = "everything-http";

    private HttpMcpServer _server = null!;
    private GatewayHarness _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        _server = await HttpMcpServer.StartEverythingAsync(timeout.Token);
        _gateway = await GatewayHarness.StartAsync(timeout.Token, new HttpConnectionSettings
        {
            Name = Connection,
            Url = _server.Url,
            ConnectRetries = 1,
            ConnectTimeout = TimeSpan.FromSeconds(5),
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Bridge_TypeScriptStdioClient_CallsEchoOnTheHttpUpstream(CancellationToken cancellationToken)
    {
        var tokenFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(tokenFile, "ts-token", cancellationToken);
            await using var client = ChildProcess.Start("node", [
                Path.Combine(RepoPaths.Peers, "ts-stdio-client.mjs"), "--message", "over streamable http", "--",
                "dotnet", BuildOutputs.GatewayHostDll, "bridge", "--gateway", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{_gateway.Endpoint.Port}"),
                "--connection", Connection, "--token-file", tokenFile]);

            await client.WaitForExitAsync(cancellationToken);
            var result = JsonNode.Parse(client.OutputLines[^1])!;

            Assert.Multiple(() =>
            {
                Assert.That(client.ExitCode, Is.Zero, client.Describe());
                Assert.That(result["text"]?.GetValue<string>(), Is.EqualTo("Echo: over streamable http"));
                Assert.That(result["serverName"]?.GetValue<string>(), Is.EqualTo("mcp-servers/everything"));
            });
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }

    [Test]
    [CancelAfter(20000)]
    public async Task CSharpSdk_DiscoverProbeRefusedOverHttp_FallsBackToInitialize(CancellationToken cancellationToken)
    {
        await using var sdk = await GatewaySdkClient.ConnectAsync(_gateway.Endpoint, Connection, cancellationToken);

        var sum = await sdk.Client.CallToolAsync("get-sum", new Dictionary<string, object?> { ["a"] = 20, ["b"] = 22 }, cancellationToken: cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(sdk.Wire.WrittenLines.Select(l => JsonNode.Parse(l)!["method"]?.GetValue<string>()).Take(2), Is.EqualTo(new[] { "server/discover", "initialize" }));
            Assert.That(sdk.Client.NegotiatedProtocolVersion, Is.EqualTo("2025-11-25"));
            Assert.That(sum.Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>().Single().Text, Is.EqualTo("The sum of 20 and 22 is 42."));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task TypeScriptClient_SamplingRequestOnTheCallsEventStream_AnsweredByTheClientOverAPost(CancellationToken cancellationToken)
    {
        await using var client = ChildProcess.Start(
            "node",
            [
                RepoPaths.TsClientScript,
                "--host", "127.0.0.1",
                "--port", _gateway.Endpoint.Port.ToString(CultureInfo.InvariantCulture),
                "--connection", Connection,
                "--token", "ts-token",
                "--scenario", "sampling",
                "--timeout-ms", "20000",
            ],
            workingDirectory: RepoPaths.Peers);
        await client.WaitForExitAsync(cancellationToken);

        var steps = client.OutputLines.Select(l => JsonNode.Parse(l)!.AsObject()).Where(l => l.ContainsKey("step")).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(client.ExitCode, Is.Zero, client.Describe());
            Assert.That(steps.Select(s => s["step"]!.GetValue<string>()), Is.EqualTo(new[] { "initialize", "sampling/createMessage", "tools/call trigger-sampling-request" }));
            Assert.That(steps[^1]["result"]?["content"]?[0]?["text"]?.GetValue<string>(), Does.StartWith("LLM sampling result:").And.Contains("ts sampled"));
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task LongRunningOperation_SseProgress_RelayedOneFrameEachAsItArrives(CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(Connection, cancellationToken);
        await client.InitializeAsync(cancellationToken, "2025-11-25");
        await client.SendAsync(new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = 7,
            ["method"] = "tools/call",
            ["params"] = new JsonObject
            {
                ["name"] = "trigger-long-running-operation",
                ["arguments"] = new JsonObject { ["duration"] = 2, ["steps"] = 4 },
                ["_meta"] = new JsonObject { ["progressToken"] = "op-7" },
            },
        }, cancellationToken);

        var clock = Stopwatch.StartNew();
        var progress = new List<(double Progress, TimeSpan At)>();
        JsonObject result;
        while (true)
        {
            var message = await client.ReadAsync(cancellationToken);
            if (message["method"]?.GetValue<string>() == "notifications/progress" && message["params"]?["progressToken"]?.GetValue<string>() == "op-7")
            {
                progress.Add((message["params"]!["progress"]!.GetValue<double>(), clock.Elapsed));
            }
            else if (message["id"]?.GetValue<int>() == 7)
            {
                result = message;
                break;
            }
        }

        var resultAt = clock.Elapsed;
        Assert.Multiple(() =>
        {
            Assert.That(progress.Select(p => p.Progress), Is.EqualTo(new[] { 1.0, 2.0, 3.0, 4.0 }));
            Assert.That(resultAt - progress[0].At, Is.GreaterThan(TimeSpan.FromMilliseconds(900)), "the first progress event is relayed when it arrives, not with the result");
            Assert.That(progress[2].At - progress[0].At, Is.GreaterThan(TimeSpan.FromMilliseconds(500)));
            Assert.That(result["result"]?["content"]?[0]?["text"]?.GetValue<string>(), Does.StartWith("Long running operation completed"));
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task SimulatedLogging_ServerInitiatedMessage_ArrivesOverTheGetStream(CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(Connection, cancellationToken);
        await client.InitializeAsync(cancellationToken, "2025-11-25");
        var session = await SessionOfLatestInitializeAsync(cancellationToken);
        await _server.Process.WaitForLineAsync(l => l == $"Establishing new SSE stream for session {session}", TimeSpan.FromSeconds(5), cancellationToken);

        var others = new List<JsonObject>();
        var toggled = await client.RequestAsync(3, "tools/call", new JsonObject { ["name"] = "toggle-simulated-logging", ["arguments"] = new JsonObject() }, cancellationToken, others);
        var log = others.FirstOrDefault(m => m["method"]?.GetValue<string>() == "notifications/message")
            ?? await ReadUntilAsync(client, "notifications/message", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(toggled["result"], Is.Not.Null, toggled.ToJsonString());
            Assert.That(log["params"]?["level"], Is.Not.Null);
            Assert.That(log["params"]?["data"]?.GetValue<string>(), Does.Contain("message"));
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task ClientCloses_UpstreamMcpSession_EndedWithDelete(CancellationToken cancellationToken)
    {
        var client = await _gateway.ConnectAsync(Connection, cancellationToken);
        string session;
        try
        {
            await client.InitializeAsync(cancellationToken, "2025-11-25");
            session = await SessionOfLatestInitializeAsync(cancellationToken);
            var echo = await client.RequestAsync(2, "tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = "bye" } }, cancellationToken);
            Assert.That(echo["result"]?["content"]?[0]?["text"]?.GetValue<string>(), Is.EqualTo("Echo: bye"));
        }
        finally
        {
            await client.DisposeAsync();
        }

        var deleted = await _server.Process.WaitForLineAsync(l => l == $"Received session termination request for session {session}", TimeSpan.FromSeconds(5), cancellationToken);
        Assert.That(deleted, Does.EndWith(session));
    }

    /// <summary>server-everything prints every session it creates; the test's own is the one created last.</summary>
    private async Task<string> SessionOfLatestInitializeAsync(CancellationToken cancellationToken)
    {
        const string prefix = "Session initialized with ID: ";
        await _server.Process.WaitForLineAsync(l => l.StartsWith(prefix, StringComparison.Ordinal), TimeSpan.FromSeconds(5), cancellationToken);
        return _server.Process.OutputLines.Last(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..];
    }

    private static async Task<JsonObject> ReadUntilAsync(RawMcpClient client, string method, CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await client.ReadAsync(cancellationToken);
            if (message["method"]?.GetValue<string>() == method)
            {
                return message;
            }
        }
    }
}
