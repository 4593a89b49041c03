using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpGateway.Core.FrontDoor;
using McpGateway.Core.Recording;
using McpGateway.Tests.EndToEnd.Recording;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGateway.Tests.EndToEnd.FrontDoor;

/// <summary>
/// Unmodified HTTP MCP clients, the C# SDK's <see cref="HttpClientTransport"/> and the TypeScript SDK's
/// <c>StreamableHTTPClientTransport</c> (peers/ts-http-client.mjs), through the front door of a gateway started from a
/// configuration file (OIDC against a real provider, a policy, masking) to server-everything over stdio.
/// </summary>
[TestFixture]
internal sealed class FrontDoorClientsTests
{
    private const string Connection = "everything";
    private const string Secret = FrontDoorGatewayConfig.Secret;

    private ConfiguredFrontDoor _frontDoor = null!;

    private Uri Url => _frontDoor.Url;

    private string Token => _frontDoor.Token;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        _frontDoor = await ConfiguredFrontDoor.StartAsync(
            Connection,
            $$"""{ "transport": "stdio", "command": "node", "args": [ {{JsonSerializer.Serialize(RepoPaths.ServerEverythingJs)}}, "stdio" ] }""",
            timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _frontDoor.DisposeAsync();
    }

    [Test]
    [CancelAfter(40000)]
    public async Task CSharpSdk_ProbesStatelessThenInitializes_CallsToolsWithProgressPolicyAndMasking(CancellationToken cancellationToken)
    {
        var sessions = _frontDoor.Gateway.Application.Services.GetRequiredService<FrontDoorSessions>();
        await using var transport = _frontDoor.CSharpTransport();
        await using var client = await McpClient.CreateAsync(transport, cancellationToken: cancellationToken);

        var tools = await client.ListToolsAsync(cancellationToken: cancellationToken);
        var echo = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "key " + Secret }, cancellationToken: cancellationToken);
        var progress = new ProgressLog();
        var longRunning = await client.CallToolAsync(
            "trigger-long-running-operation",
            new Dictionary<string, object?> { ["duration"] = 1, ["steps"] = 3 },
            progress,
            cancellationToken: cancellationToken);
        var blocked = Assert.ThrowsAsync<McpProtocolException>(() => client.CallToolAsync("get-env", new Dictionary<string, object?>(), cancellationToken: cancellationToken).AsTask());

        Assert.Multiple(() =>
        {
            Assert.That(client.NegotiatedProtocolVersion, Is.EqualTo("2025-11-25"), "server/discover (2026-07-28) is answered -32601 by the upstream, so the client falls back");
            Assert.That(sessions.Count, Is.GreaterThanOrEqualTo(2), "the probe went to a stateless session, initialize to its own");
            Assert.That(tools.Select(t => t.Name), Does.Contain("echo").And.Contain("trigger-long-running-operation"));
            Assert.That(Text(echo), Does.StartWith("Echo: key ").And.Contain("[MASKED:aws_access_key:1]").And.Not.Contain(Secret));
            // The SDK may drop a notification it dispatches after the result arrived (its handler is gone by then);
            // the TypeScript test below sees every one of them.
            Assert.That(progress.Values.Select(p => p.Progress).ToList(), Has.Count.GreaterThanOrEqualTo(2).And.SubsetOf(new[] { 1f, 2f, 3f }), "progress arrives on the POST's SSE stream");
            Assert.That(Text(longRunning), Does.Contain("completed"));
            Assert.That((int?)blocked?.ErrorCode, Is.EqualTo(-31003));
        });
    }

    [Test]
    [CancelAfter(40000)]
    public async Task TypeScriptSdk_Basic_ListsAndCallsTools(CancellationToken cancellationToken)
    {
        var lines = await RunTypeScriptAsync("basic", cancellationToken);

        var steps = Steps(lines);
        Assert.Multiple(() =>
        {
            Assert.That(steps.Values.Select(s => s["ok"]!.GetValue<bool>()), Is.All.True);
            Assert.That(steps["initialize"]["result"]!["serverInfo"]!["name"]!.GetValue<string>(), Is.EqualTo("mcp-servers/everything"));
            Assert.That(steps["tools/list"]["result"]!["tools"]!.AsArray().Select(t => t!.GetValue<string>()), Is.SupersetOf(new[] { "echo", "get-sum" }));
            Assert.That(FirstText(steps["tools/call echo"]), Is.EqualTo("Echo: hello over http"));
            Assert.That(FirstText(steps["tools/call get-sum"]), Is.EqualTo("The sum of 2 and 40 is 42."));
            Assert.That(lines[^1]["protocolVersion"]?.GetValue<string>(), Is.EqualTo("2025-11-25"));
            Assert.That(lines[^1]["sessionId"]?.GetValue<string>(), Has.Length.EqualTo(24), "the Mcp-Session-Id is the gateway session's id");
        });
    }

    [Test]
    [CancelAfter(40000)]
    public async Task TypeScriptSdk_ForgedToken_Unauthorized_NoUpstreamStarted(CancellationToken cancellationToken)
    {
        var before = UpstreamProcesses();

        await using var client = ChildProcess.Start(
            "node",
            [Path.Combine(RepoPaths.Peers, "ts-http-client.mjs"), "--url", Url.ToString(), "--token", "forged." + Token[7..], "--scenario", "basic"],
            workingDirectory: RepoPaths.Peers);
        await client.WaitForExitAsync(cancellationToken);

        Assert.That(client.ExitCode, Is.EqualTo(3), client.Describe());
        Assert.That(UpstreamProcesses(), Is.SubsetOf(before), "no server-everything process was started");
    }

    [Test]
    [CancelAfter(40000)]
    public async Task TypeScriptSdk_LongRunningOperation_ProgressArrivesOverSse(CancellationToken cancellationToken)
    {
        var lines = await RunTypeScriptAsync("progress", cancellationToken);

        var progress = Steps(lines)["progress"]["result"]!;
        Assert.That((int?)progress["count"], Is.EqualTo(4), progress.ToJsonString());
        Assert.That((double?)progress["last"]?["progress"], Is.EqualTo(4));
    }

    [Test]
    [CancelAfter(40000)]
    public async Task TypeScriptSdk_SimulatedLogging_LogNotificationsArriveOverSse(CancellationToken cancellationToken)
    {
        var lines = await RunTypeScriptAsync("logging", cancellationToken);

        var logs = Steps(lines)["notifications/message"]["result"]!;
        Assert.That((int?)logs["count"], Is.GreaterThan(0), logs.ToJsonString());
        Assert.That((string?)logs["first"]?["level"], Is.Not.Null);
    }

    [Test]
    [CancelAfter(40000)]
    public async Task TypeScriptSdk_Sampling_ServerRequestReachesTheClientAndItsAnswerTheServer(CancellationToken cancellationToken)
    {
        var lines = await RunTypeScriptAsync("sampling", cancellationToken);

        var steps = Steps(lines);
        Assert.That((int?)steps["sampling/createMessage"]["result"]?["maxTokens"], Is.EqualTo(10));
        Assert.That(FirstText(steps["tools/call trigger-sampling-request"]), Does.StartWith("LLM sampling result:").And.Contains("ts sampled over http"));
    }

    [Test]
    [CancelAfter(40000)]
    public async Task TypeScriptSdk_TerminateSession_EndsTheSessionAndItsUpstreamProcess(CancellationToken cancellationToken)
    {
        var before = UpstreamProcesses();

        var lines = await RunTypeScriptAsync("terminate", cancellationToken);

        var sessionId = Steps(lines)["terminate"]["result"]!["sessionId"]!.GetValue<string>();
        using var probe = FrontDoorRig.Post(Url, """{"jsonrpc":"2.0","id":9,"method":"tools/list"}""", Token, sessionId);
        using var http = new HttpClient();
        using var after = await http.SendAsync(probe, cancellationToken);
        while (UpstreamProcesses().Count > before.Count)
        {
            await Task.Delay(50, cancellationToken);
        }

        Assert.That((int)after.StatusCode, Is.EqualTo(404), "a terminated session is gone");
        Assert.That(UpstreamProcesses(), Is.SubsetOf(before), "the session's server-everything process ended with it");
    }

    [Test]
    [CancelAfter(40000)]
    public async Task Recording_HttpSession_RecordedUnderItsSessionIdWithTheSubjectLikeATcpSession(CancellationToken cancellationToken)
    {
        var lines = await RunTypeScriptAsync("terminate", cancellationToken);
        var sessionId = Steps(lines)["terminate"]["result"]!["sessionId"]!.GetValue<string>();

        var records = await RecordedSession.ReadAsync(_frontDoor.AuditPath, sessionId, cancellationToken);

        var echo = records.Where(r => r.Kind == AuditEventKind.Frame && r.Tool == "echo").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(records[0].Kind, Is.EqualTo(AuditEventKind.SessionStart));
            Assert.That(records[0].Subject, Is.EqualTo(OidcProvider.Alice));
            Assert.That(records[0].TokenHash, Is.Not.Null.And.Not.EqualTo(Token));
            Assert.That(echo.Select(r => (r.Direction, r.Verdict)), Is.EquivalentTo(new[] { ("client_to_upstream", "forwarded"), ("upstream_to_client", "forwarded") }));
            Assert.That(records.Where(r => r.Method == "mcpgateway/authenticate"), Is.Empty, "the front door's authenticate is the session start, not a frame");
            Assert.That(records[^1].Kind, Is.EqualTo(AuditEventKind.SessionEnd));
        });
    }

    /// <summary>The server-everything processes this test process started, by pid.</summary>
    private static List<int> UpstreamProcesses()
    {
        var self = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var status = File.ReadAllLines(Path.Combine(directory, "status"));
                var parent = status.FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal))?[5..].Trim();
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline"));
                if (parent == self && commandLine.Contains("server-everything", StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // Exited while we looked.
            }
        }

        return found;
    }

    private Task<List<JsonObject>> RunTypeScriptAsync(string scenario, CancellationToken cancellationToken) =>
        TypeScriptHttpClient.RunAsync(Url, Token, scenario, cancellationToken);

    private static Dictionary<string, JsonObject> Steps(IEnumerable<JsonObject> lines) => TypeScriptHttpClient.Steps(lines);

    private static string? FirstText(JsonObject step) => TypeScriptHttpClient.FirstText(step);

    private static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));

    private sealed class ProgressLog : IProgress<ProgressNotificationValue>
    {
        private readonly ConcurrentQueue<ProgressNotificationValue> _values = new();

        public IReadOnlyList<ProgressNotificationValue> Values => [.. _values];

        public void Report(ProgressNotificationValue value) => _values.Enqueue(value);
    }
}
