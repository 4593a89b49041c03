using System.Text.Json;
using System.Text.Json.Nodes;
using McpGateway.Core.Recording;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGateway.Tests.EndToEnd.FrontDoor;

/// <summary>
/// Issue #8 end to end, HTTP on both sides: unmodified HTTP MCP clients (the TypeScript SDK's
/// <c>StreamableHTTPClientTransport</c>, the C# SDK's <see cref="HttpClientTransport"/>) with a real OIDC token, through
/// the front door of a gateway started from a configuration file (policy, masking, SQLite audit), to an <c>http</c>
/// connection whose upstream is server-everything in its Streamable HTTP mode on loopback.
/// </summary>
[TestFixture]
internal sealed class FrontDoorHttpUpstreamTests
{
    private const string Connection = "everything-http";
    private const string SessionInitialized = "Session initialized with ID: ";

    private HttpMcpServer _server = null!;
    private ConfiguredFrontDoor _frontDoor = null!;

    private Uri Url => _frontDoor.Url;

    private string Token => _frontDoor.Token;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        _server = await HttpMcpServer.StartEverythingAsync(timeout.Token);
        _frontDoor = await ConfiguredFrontDoor.StartAsync(
            Connection,
            $$"""{ "transport": "http", "url": {{JsonSerializer.Serialize(_server.Url.ToString())}}, "connectRetries": 1, "connectTimeout": "00:00:05" }""",
            timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _frontDoor.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Test]
    [CancelAfter(40000)]
    public async Task TypeScriptSdk_Basic_ListsAndCallsToolsOnTheHttpUpstream(CancellationToken cancellationToken)
    {
        var lines = await TypeScriptHttpClient.RunAsync(Url, Token, "basic", cancellationToken);

        var steps = TypeScriptHttpClient.Steps(lines);
        Assert.Multiple(() =>
        {
            Assert.That(steps.Values.Select(s => s["ok"]!.GetValue<bool>()), Is.All.True);
            Assert.That(steps["initialize"]["result"]!["serverInfo"]!["name"]!.GetValue<string>(), Is.EqualTo("mcp-servers/everything"));
            Assert.That(steps["tools/list"]["result"]!["tools"]!.AsArray().Select(t => t!.GetValue<string>()), Is.SupersetOf(new[] { "echo", "get-sum" }).And.Not.Contain("get-env"), "the policy filters the upstream's list");
            Assert.That(TypeScriptHttpClient.FirstText(steps["tools/call echo"]), Is.EqualTo("Echo: hello over http"));
            Assert.That(TypeScriptHttpClient.FirstText(steps["tools/call get-sum"]), Is.EqualTo("The sum of 2 and 40 is 42."));
            Assert.That(lines[^1]["protocolVersion"]?.GetValue<string>(), Is.EqualTo("2025-11-25"));
        });
    }

    [Test]
    [CancelAfter(40000)]
    public async Task TypeScriptSdk_LongRunningOperation_UpstreamSseProgressReachesTheClientOverSse(CancellationToken cancellationToken)
    {
        var lines = await TypeScriptHttpClient.RunAsync(Url, Token, "progress", cancellationToken);

        var progress = TypeScriptHttpClient.Steps(lines)["progress"]["result"]!;
        Assert.Multiple(() =>
        {
            Assert.That((int?)progress["count"], Is.EqualTo(4), progress.ToJsonString());
            Assert.That((double?)progress["last"]?["progress"], Is.EqualTo(4));
            Assert.That((string?)progress["text"], Does.StartWith("Long running operation completed"));
        });
    }

    [Test]
    [CancelAfter(40000)]
    public async Task CSharpSdk_PolicyAndMasking_AppliedBetweenTheTwoHttpLegs(CancellationToken cancellationToken)
    {
        await using var transport = _frontDoor.CSharpTransport();
        await using var client = await McpClient.CreateAsync(transport, cancellationToken: cancellationToken);

        var echo = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "key " + FrontDoorGatewayConfig.Secret }, cancellationToken: cancellationToken);
        var blocked = Assert.ThrowsAsync<McpProtocolException>(() => client.CallToolAsync("get-env", new Dictionary<string, object?>(), cancellationToken: cancellationToken).AsTask());

        Assert.Multiple(() =>
        {
            Assert.That(client.NegotiatedProtocolVersion, Is.EqualTo("2025-11-25"), "the 2026-07-28 probe is refused by the upstream and the client falls back to initialize");
            Assert.That(string.Concat(echo.Content.OfType<TextContentBlock>().Select(c => c.Text)), Does.StartWith("Echo: key ").And.Contain("[MASKED:aws_access_key:1]").And.Not.Contain(FrontDoorGatewayConfig.Secret));
            Assert.That((int?)blocked?.ErrorCode, Is.EqualTo(-31003));
            Assert.That(blocked?.Message, Does.Contain("blocked by policy"));
        });
    }

    [Test]
    [CancelAfter(40000)]
    public async Task TypeScriptSdk_TerminateSession_EndsBothSessionsAndIsRecorded(CancellationToken cancellationToken)
    {
        var upstreamSessionsBefore = UpstreamSessions().Count;

        var lines = await TypeScriptHttpClient.RunAsync(Url, Token, "terminate", cancellationToken);

        var sessionId = TypeScriptHttpClient.Steps(lines)["terminate"]["result"]!["sessionId"]!.GetValue<string>();
        var upstreamSessions = UpstreamSessions().Skip(upstreamSessionsBefore).ToList();
        Assert.That(upstreamSessions, Has.Count.EqualTo(1), "one upstream HTTP session for the client's session");
        var deleted = await _server.Process.WaitForLineAsync(
            l => l == $"Received session termination request for session {upstreamSessions[0]}", TimeSpan.FromSeconds(5), cancellationToken);
        using var probe = FrontDoorRig.Post(Url, """{"jsonrpc":"2.0","id":9,"method":"tools/list"}""", Token, sessionId);
        using var http = new HttpClient();
        using var after = await http.SendAsync(probe, cancellationToken);
        var records = await RecordedSession.ReadAsync(_frontDoor.AuditPath, sessionId, cancellationToken);

        var echo = records.Where(r => r.Kind == AuditEventKind.Frame && r.Tool == "echo").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(deleted, Does.EndWith(upstreamSessions[0]), "the gateway sent DELETE to the upstream");
            Assert.That((int)after.StatusCode, Is.EqualTo(404), "the client's session is gone");
            Assert.That(records[0].Kind, Is.EqualTo(AuditEventKind.SessionStart));
            Assert.That(records[0].Subject, Is.EqualTo(OidcProvider.Alice));
            Assert.That(echo.Select(r => (r.Direction, r.Verdict)), Is.EquivalentTo(new[] { ("client_to_upstream", "forwarded"), ("upstream_to_client", "forwarded") }));
            Assert.That(records[^1].Kind, Is.EqualTo(AuditEventKind.SessionEnd));
        });
    }

    /// <summary>The upstream MCP session ids server-everything has created, in order.</summary>
    private List<string> UpstreamSessions() =>
        [.. _server.Process.OutputLines.Where(l => l.StartsWith(SessionInitialized, StringComparison.Ordinal)).Select(l => l[SessionInitialized.Length..])];
}
