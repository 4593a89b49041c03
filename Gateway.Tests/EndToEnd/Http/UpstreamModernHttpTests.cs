using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.Operations;
using McpGateway.Tests.EndToEnd.Protocol;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using ModelContextProtocol;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;

namespace McpGateway.Tests.EndToEnd.Http;

/// <summary>
/// mcp-proxy in front of server-everything as an <c>http</c> upstream that demands an API key and serves both eras.
/// The gateway holds the key (from a file) and injects it; the client never sees it. The C# SDK negotiates
/// 2026-07-28 through the gateway (stateless POSTs with <c>Mcp-Method</c>/<c>Mcp-Name</c>, no MCP session); a
/// 2025-era client reaches the same server through an <c>initialize</c> session.
/// </summary>
[TestFixture]
internal sealed class UpstreamModernHttpTests
{
    private const string Connection = "proxied";
    private const string Keyless = "proxied-without-key";
    private const string ApiKey = "pk-live-7f3a9c2e5b1d4f60";

    // Read through the provider, which the gateway's logger factory owns (and disposes).
    private IReadOnlyCollection<string> _logEntries = null!;
    private Func<string> _logText = null!;
    private HttpMcpServer _proxy = null!;
    private GatewayHarness _gateway = null!;
    private string _keyFile = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        _keyFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(_keyFile, ApiKey + "\n", timeout.Token);
        _proxy = await HttpMcpServer.StartProxyAsync(ApiKey, timeout.Token);
        var settings = GatewayHarness.Settings(
            new HttpConnectionSettings
            {
                Name = Connection,
                Url = _proxy.Url,
                Headers = new Dictionary<string, EnvironmentValue> { ["X-API-Key"] = new(EnvironmentValueSource.File, _keyFile) },
            },
            new HttpConnectionSettings { Name = Keyless, Url = _proxy.Url, ConnectRetries = 0 });
        var logs = new CapturingLoggerProvider();
        _logEntries = logs.Entries;
        _logText = () => logs.Text;
        _gateway = await GatewayHarness.StartAsync(settings, timeout.Token, logging: builder => builder.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        await _proxy.DisposeAsync();
        File.Delete(_keyFile);
    }

    [Test]
    [CancelAfter(20000)]
    public async Task GatewayLogsAtTrace_AfterCallsWithTheKey_NeverContainIt(CancellationToken cancellationToken)
    {
        await using (var sdk = await GatewaySdkClient.ConnectAsync(_gateway.Endpoint, Connection, cancellationToken))
        {
            await sdk.Client.CallToolAsync("get-env", new Dictionary<string, object?>(), cancellationToken: cancellationToken);
        }

        Assert.Multiple(() =>
        {
            Assert.That(_logEntries, Is.Not.Empty);
            Assert.That(_logText(), Does.Not.Contain(ApiKey));
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task CSharpSdk_ThroughGateway_Negotiates20260728AndCallsTools(CancellationToken cancellationToken)
    {
        await using var sdk = await GatewaySdkClient.ConnectAsync(_gateway.Endpoint, Connection, cancellationToken);

        var echo = await sdk.Client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "stateless" }, cancellationToken: cancellationToken);
        var tools = await sdk.Client.ListToolsAsync(cancellationToken: cancellationToken);

        var wire = string.Join("\n", sdk.Wire.ReadLines.Concat(sdk.Wire.WrittenLines));
        Assert.Multiple(() =>
        {
            Assert.That(sdk.Client.NegotiatedProtocolVersion, Is.EqualTo("2026-07-28"));
            Assert.That(sdk.Wire.WrittenLines.Select(l => JsonNode.Parse(l)!["method"]?.GetValue<string>()), Does.Not.Contain("initialize"));
            Assert.That(echo.Content.OfType<TextContentBlock>().Single().Text, Is.EqualTo("Echo: stateless"));
            Assert.That(tools.Select(t => t.Name), Does.Contain("get-sum"));
            Assert.That(wire, Does.Not.Contain(ApiKey), "the gateway's key never reaches the client");
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task CSharpSdk_2026LongRunningOperation_ProgressRelayedBeforeTheResult(CancellationToken cancellationToken)
    {
        await using var sdk = await GatewaySdkClient.ConnectAsync(_gateway.Endpoint, Connection, cancellationToken);
        var progress = new List<ProgressNotificationValue>();
        var reporter = new SynchronousProgress(progress);

        var result = await sdk.Client.CallToolAsync(
            "trigger-long-running-operation",
            new Dictionary<string, object?> { ["duration"] = 1, ["steps"] = 3 },
            reporter,
            cancellationToken: cancellationToken);

        // The wire in arrival order: each progress event was its own frame, ahead of the result. (mcp-proxy itself
        // loses the last progress event to the result now and then, and the SDK may drop one that races the result to
        // its handler, so only the first two are required.)
        var read = sdk.Wire.ReadLines.Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var resultIndex = read.FindIndex(m => m["result"]?["content"]?[0]?["text"]?.GetValue<string>()?.StartsWith("Long running", StringComparison.Ordinal) == true);
        var progressOnWire = read.Take(resultIndex).Where(m => m["method"]?.GetValue<string>() == "notifications/progress").Select(m => m["params"]!["progress"]!.GetValue<double>());
        Assert.Multiple(() =>
        {
            Assert.That(sdk.Client.NegotiatedProtocolVersion, Is.EqualTo("2026-07-28"));
            Assert.That(progressOnWire.Take(2), Is.EqualTo(new[] { 1.0, 2.0 }));
            Assert.That(progress.Select(p => p.Progress), Does.Contain(1f));
            Assert.That(result.Content.OfType<TextContentBlock>().Single().Text, Does.StartWith("Long running operation completed"));
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task RawClient_2025Initialize_SessionThroughTheSameUpstream(CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(Connection, cancellationToken);
        var initialize = await client.RequestAsync(0, "initialize", new JsonObject
        {
            ["protocolVersion"] = "2025-11-25",
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = new JsonObject { ["name"] = "raw", ["version"] = "1" },
        }, cancellationToken);
        await client.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", cancellationToken);
        var sum = await client.RequestAsync(1, "tools/call", new JsonObject { ["name"] = "get-sum", ["arguments"] = new JsonObject { ["a"] = 1, ["b"] = 2 } }, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(initialize["result"]?["protocolVersion"]?.GetValue<string>(), Is.EqualTo("2025-11-25"));
            Assert.That(sum["result"]?["content"]?[0]?["text"]?.GetValue<string>(), Is.EqualTo("The sum of 1 and 2 is 3."));
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task UpstreamRefusesWithoutTheKey_CallGetsUpstreamUnavailable(CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(Keyless, cancellationToken);

        var answer = await client.RequestAsync(0, "initialize", new JsonObject
        {
            ["protocolVersion"] = "2025-11-25",
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = new JsonObject { ["name"] = "raw", ["version"] = "1" },
        }, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(answer["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-31007), answer.ToJsonString());
            Assert.That(answer["error"]?["data"]?["reason"]?.GetValue<string>(), Is.EqualTo("upstream_unavailable"));
        });
    }

    /// <summary>Records progress on the reporting thread (<see cref="Progress{T}"/> would post it later).</summary>
    private sealed class SynchronousProgress(List<ProgressNotificationValue> values) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value)
        {
            lock (values)
            {
                values.Add(value);
            }
        }
    }
}
