using System.Globalization;
using System.Text.Json.Nodes;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.Protocol;

/// <summary>
/// The official TypeScript SDK client (peers/ts-client.mjs) through the gateway to server-everything over stdio.
/// It sends a plain <c>initialize</c> with id 0; its JSON lines on stdout report every step.
/// </summary>
[TestFixture]
internal sealed class TypeScriptSdkClientTests
{
    private const string Connection = "everything";

    private static readonly TimeSpan _runTimeout = TimeSpan.FromSeconds(20);

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
    [CancelAfter(30000)]
    public async Task RunScenario_Basic_ListsAndCallsToolsThroughGateway(CancellationToken cancellationToken)
    {
        var lines = await RunScenarioAsync("basic", cancellationToken);

        var steps = Steps(lines);
        Assert.Multiple(() =>
        {
            Assert.That(StepNames(lines), Is.EqualTo(new[] { "initialize", "tools/list", "tools/call echo", "tools/call get-sum" }));
            Assert.That(steps.Values.Select(s => s["ok"]!.GetValue<bool>()), Is.All.True);
            Assert.That(steps["initialize"]["result"]!["serverInfo"]!["name"]!.GetValue<string>(), Is.EqualTo("mcp-servers/everything"));
            Assert.That(steps["tools/list"]["result"]!["tools"]!.AsArray().Select(t => t!.GetValue<string>()), Is.SupersetOf(new[] { "echo", "get-sum" }));
            Assert.That(FirstText(steps["tools/call echo"]), Is.EqualTo("Echo: hello from ts"));
            Assert.That(FirstText(steps["tools/call get-sum"]), Is.EqualTo("The sum of 2 and 40 is 42."));
            Assert.That(lines[^1]["done"]?.GetValue<bool>(), Is.True);
            Assert.That(lines[^1]["protocolVersion"]?.GetValue<string>(), Is.EqualTo("2025-11-25"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task RunScenario_Sampling_ClientHandlerAnswersServerThroughGateway(CancellationToken cancellationToken)
    {
        var lines = await RunScenarioAsync("sampling", cancellationToken);

        var steps = Steps(lines);
        Assert.Multiple(() =>
        {
            Assert.That(StepNames(lines), Is.EqualTo(new[] { "initialize", "sampling/createMessage", "tools/call trigger-sampling-request" }));
            Assert.That(steps["sampling/createMessage"]["result"]!["maxTokens"]!.GetValue<int>(), Is.EqualTo(10));
            Assert.That(FirstText(steps["tools/call trigger-sampling-request"]), Does.StartWith("LLM sampling result:").And.Contains("ts sampled"));
            Assert.That(lines[^1]["done"]?.GetValue<bool>(), Is.True);
        });
    }

    private async Task<List<JsonObject>> RunScenarioAsync(string scenario, CancellationToken cancellationToken)
    {
        await using var client = ChildProcess.Start(
            "node",
            [
                RepoPaths.TsClientScript,
                "--host", "127.0.0.1",
                "--port", _gateway.Endpoint.Port.ToString(CultureInfo.InvariantCulture),
                "--connection", Connection,
                "--token", "ts-token",
                "--scenario", scenario,
                "--timeout-ms", ((int)_runTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
            ],
            workingDirectory: RepoPaths.Peers);
        await client.WaitForExitAsync(cancellationToken);

        Assert.That(client.ExitCode, Is.Zero, client.Describe());
        return [.. client.OutputLines.Select(line => JsonNode.Parse(line)!.AsObject())];
    }

    private static IEnumerable<string> StepNames(IEnumerable<JsonObject> lines) =>
        lines.Where(l => l.ContainsKey("step")).Select(l => l["step"]!.GetValue<string>());

    private static Dictionary<string, JsonObject> Steps(IEnumerable<JsonObject> lines) =>
        lines.Where(l => l.ContainsKey("step")).ToDictionary(l => l["step"]!.GetValue<string>(), l => l);

    private static string? FirstText(JsonObject step) => step["result"]?["content"]?[0]?["text"]?.GetValue<string>();
}
