using System.Diagnostics;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.FrontDoor;
using McpGateway.Tests.Upstreams;
using Microsoft.AspNetCore.Http;

namespace McpGateway.Tests.EndToEnd.Http;

/// <summary>
/// The requests the gateway sends to an <c>http</c> upstream carry the configured headers and the MCP headers of the
/// wire contract, nothing else: no W3C trace context. The front door's requests run inside ASP.NET Core's request
/// activity, whose trace id is the client's own <c>traceparent</c>, and HttpClient's default propagator copied that
/// activity into every POST to the upstream, so a client's trace context (and its <c>baggage</c>) crossed the gateway.
/// </summary>
[TestFixture]
internal sealed class UpstreamHttpTraceHeadersTests
{
    private const string ClientTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static readonly string[] TraceHeaders = ["traceparent", "tracestate", "baggage", "Request-Id", "Correlation-Context"];

    private ScriptedHttpUpstream _upstream = null!;
    private FrontDoorRig _rig = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        _upstream = await ScriptedHttpUpstream.StartAsync(timeout.Token);
        _upstream.Handler = AnswerAsync;
        _rig = await FrontDoorRig.StartAsync(null, timeout.Token, new HttpConnectionSettings { Name = "traced", Url = _upstream.Url });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _rig.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    /// <summary>A minimal 2025 MCP server: a session on initialize, 202 for notifications, an echo for tools/call.</summary>
    private static async Task AnswerAsync(HttpContext context, SeenRequest seen)
    {
        var message = JsonNode.Parse(seen.Body)!;
        var id = message["id"]?.ToJsonString();
        if (id is null)
        {
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        var result = (string?)message["method"] == "initialize"
            ? """{"protocolVersion":"2025-06-18","capabilities":{"tools":{}},"serverInfo":{"name":"traced","version":"1"}}"""
            : """{"content":[{"type":"text","text":"traced"}]}""";
        if ((string?)message["method"] == "initialize")
        {
            context.Response.Headers["Mcp-Session-Id"] = "upstream-session-1";
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + result + "}", context.RequestAborted);
    }

    private static HttpRequestMessage Traced(HttpRequestMessage request, string spanId)
    {
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{ClientTraceId}-{spanId}-01");
        request.Headers.TryAddWithoutValidation("tracestate", "client=secret-vendor-state");
        request.Headers.TryAddWithoutValidation("baggage", "tenant=acme,user=alice");
        return request;
    }

    [Test]
    [CancelAfter(30000)]
    public async Task FrontDoor_ClientSendsTraceContext_NoTraceHeaderReachesTheUpstream(CancellationToken cancellationToken)
    {
        var token = await _rig.TokenAsync(cancellationToken);
        var url = _rig.Url("traced");
        using var initialized = await _rig.Http.SendAsync(Traced(FrontDoorRig.Post(url, FrontDoorRig.Initialize(), token), "00f067aa0ba902b7"), cancellationToken);
        var sessionId = initialized.Headers.GetValues("Mcp-Session-Id").Single();
        using var notified = await _rig.Http.SendAsync(
            Traced(FrontDoorRig.Post(url, """{"jsonrpc":"2.0","method":"notifications/initialized"}""", token, sessionId), "00f067aa0ba902b8"), cancellationToken);
        using var called = await _rig.Http.SendAsync(
            Traced(FrontDoorRig.Post(url, """{"jsonrpc":"2.0","id":"call","method":"tools/call","params":{"name":"echo","arguments":{}}}""", token, sessionId), "00f067aa0ba902b9"),
            cancellationToken);
        var answer = JsonNode.Parse(await called.Content.ReadAsStringAsync(cancellationToken))!;

        var seen = _upstream.Requests.Where(r => r.Method == "POST").ToList();
        Assert.Multiple(() =>
        {
            Assert.That((string?)answer["result"]?["content"]?[0]?["text"], Is.EqualTo("traced"), answer.ToJsonString());
            Assert.That(seen.Select(r => JsonNode.Parse(r.Body)!["method"]!.GetValue<string>()), Is.EqualTo(new[] { "initialize", "notifications/initialized", "tools/call" }));
            Assert.That(seen.SelectMany(r => r.Headers.Keys).Intersect(TraceHeaders, StringComparer.OrdinalIgnoreCase), Is.Empty, "no trace context crosses the gateway");
            Assert.That(seen.SelectMany(r => r.Headers.Values), Has.None.Contains(ClientTraceId).IgnoreCase, "the client's trace id stays on the client's side");
            Assert.That(seen[^1].Header("Mcp-Session-Id"), Is.EqualTo("upstream-session-1"), "the contract's own headers still go");
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task AnyGatewayMadeRequest_InsideAClientsTraceActivity_CarriesNoTraceHeader(CancellationToken cancellationToken)
    {
        // Introspection, key sets, approval webhooks and anchors use HttpClients with default handlers; within a front-door
        // request the current activity is the client's. The gateway turns propagation off for the whole process.
        using var activity = new Activity("client-request");
        activity.SetParentId($"00-{ClientTraceId}-00f067aa0ba902ba-01");
        activity.AddBaggage("tenant", "acme");
        activity.Start();
        using var http = new HttpClient(new SocketsHttpHandler());
        // A PUT, so that the front-door test's count of POSTs to this shared upstream stays its own.
        using var sent = await http.PutAsync(_upstream.Url, new StringContent("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", System.Text.Encoding.UTF8, "application/json"), cancellationToken);
        activity.Stop();

        var seen = _upstream.Requests.Single(r => r.Method == "PUT");
        Assert.Multiple(() =>
        {
            Assert.That(seen.Headers.Keys.Intersect(TraceHeaders, StringComparer.OrdinalIgnoreCase), Is.Empty);
            Assert.That(seen.Headers.Values, Has.None.Contains(ClientTraceId).IgnoreCase);
        });
    }
}
