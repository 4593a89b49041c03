using System.Diagnostics;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using McpGateway.Tests.Upstreams;
using Microsoft.AspNetCore.Http;

namespace McpGateway.Tests.EndToEnd.Http;

/// <summary>
/// Through a real gateway session: an <c>http</c> upstream that is down answers the waiting call with -31007, one that
/// hangs with -31008 at the connection's request timeout; the session survives both and keeps relaying.
/// </summary>
[TestFixture]
internal sealed class UpstreamHttpFailureTests
{
    private const string Down = "down";
    private const string Hanging = "hanging";

    private ScriptedHttpUpstream _server = null!;
    private GatewayHarness _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        _server = await ScriptedHttpUpstream.StartAsync(timeout.Token);
        _server.Handler = async (context, seen) =>
        {
            if (seen.Body.Contains("\"hang\"", StringComparison.Ordinal))
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
                return;
            }

            if (JsonNode.Parse(seen.Body)?["id"] is not { } rpcId)
            {
                // A notification (notifications/initialized of the handshake) is accepted without a body.
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                return;
            }

            context.Response.ContentType = "application/json";
            var id = rpcId.ToJsonString();
            await context.Response.WriteAsync("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{}}");
        };
        _gateway = await GatewayHarness.StartAsync(
            timeout.Token,
            new HttpConnectionSettings { Name = Down, Url = new Uri($"http://127.0.0.1:{OidcProvider.FreePort()}/mcp"), ConnectRetries = 2, ConnectTimeout = TimeSpan.FromSeconds(2) },
            new HttpConnectionSettings { Name = Hanging, Url = _server.Url, RequestTimeout = TimeSpan.FromSeconds(1) });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Test]
    [CancelAfter(15000)]
    public async Task UpstreamDown_Call_GetsUnavailableAndTheSessionStaysOpen(CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(Down, cancellationToken);

        var first = await client.RequestAsync(1, "ping", null, cancellationToken);
        var second = await client.RequestAsync(2, "ping", null, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(first["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-31007), first.ToJsonString());
            Assert.That(first["error"]?["data"]?["reason"]?.GetValue<string>(), Is.EqualTo("upstream_unavailable"));
            Assert.That(first["error"]?["data"]?["correlationId"]?.GetValue<string>(), Is.Not.Empty);
            Assert.That(second["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-31007), "each call is answered, none hangs");
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task UpstreamHangs_Call_GetsTimedOutWhileOtherCallsGoOn(CancellationToken cancellationToken)
    {
        await using var client = await _gateway.ConnectAsync(Hanging, cancellationToken);
        await client.InitializeAsync(cancellationToken);
        var clock = Stopwatch.StartNew();

        await client.SendAsync("""{"jsonrpc":"2.0","id":"slow","method":"tools/call","params":{"name":"hang"}}""", cancellationToken);
        var quick = await client.RequestAsync("quick", "ping", null, cancellationToken);
        var quickAt = clock.Elapsed;
        var slow = await client.ReadResponseAsync("slow", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(quick["result"], Is.Not.Null, "a hanging call does not hold up the next one");
            Assert.That(quickAt, Is.LessThan(TimeSpan.FromSeconds(1)));
            Assert.That(slow["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-31008), slow.ToJsonString());
            Assert.That(slow["error"]?["data"]?["reason"]?.GetValue<string>(), Is.EqualTo("upstream_timeout"));
        });
    }
}
