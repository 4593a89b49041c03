using System.Globalization;
using System.Net;
using McpGateway.Tests.EndToEnd.Hostile;
using McpGateway.Tests.EndToEnd.Support;

namespace McpGateway.Tests.EndToEnd.FrontDoor;

/// <summary>
/// Stateless requests (no <c>Mcp-Session-Id</c>, as SDK probes send them) open one session per token that no client
/// ever closes: it is closed after <c>http.statelessIdleTimeout</c> with nothing in flight, its upstream with it, and
/// <c>mcpgw_connections_active</c> says so.
/// </summary>
[TestFixture]
internal sealed class FrontDoorStatelessIdleTests
{
    private const string Spy = "spy";

    private static readonly TimeSpan _idleTimeout = TimeSpan.FromSeconds(1);

    [Test]
    [CancelAfter(60000)]
    public async Task Stateless_TwoTokensThenNothing_SessionsAndUpstreamsClosedAndConnectionsActiveBackToZero(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Echo);
        await using var rig = await FrontDoorRig.StartAsync(
            s => s with
            {
                FrontDoor = s.FrontDoor! with { StatelessIdleTimeout = _idleTimeout },
                AdminEndpoint = new IPEndPoint(IPAddress.Loopback, 0),
            },
            cancellationToken,
            GatewayHarness.Tcp(Spy, spy.Port));
        var first = await rig.TokenAsync(cancellationToken);
        var second = await rig.TokenAsync(cancellationToken);

        var answers = new[] { await DiscoverAsync(rig, first, cancellationToken), await DiscoverAsync(rig, second, cancellationToken) };
        var during = await ConnectionsActiveAsync(rig, cancellationToken);
        var upstreams = spy.Connections.ToList();
        await Task.WhenAll(upstreams.Select(c => c.Reading)).WaitAsync(cancellationToken);
        var after = await ConnectionsActiveAsync(rig, cancellationToken);
        while (after != 0)
        {
            // The gauge moves as the session's end is finished, just after its upstream closed.
            await Task.Delay(50, cancellationToken);
            after = await ConnectionsActiveAsync(rig, cancellationToken);
        }

        var again = await DiscoverAsync(rig, first, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(answers, Is.All.EqualTo(HttpStatusCode.OK));
            Assert.That(upstreams, Has.Count.EqualTo(2), "one session, and one upstream, per token");
            Assert.That(during, Is.EqualTo(2));
            Assert.That(after, Is.Zero);
            Assert.That(again, Is.EqualTo(HttpStatusCode.OK), "the token's next request starts a new session");
            Assert.That(spy.Connections, Has.Count.EqualTo(3));
        });
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Stateless_CallLongerThanTheIdleTimeout_AnsweredNotReaped(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Hang());
        await using var rig = await FrontDoorRig.StartAsync(
            s => s with { FrontDoor = s.FrontDoor! with { StatelessIdleTimeout = _idleTimeout } },
            cancellationToken,
            GatewayHarness.Tcp(Spy, spy.Port));
        var token = await rig.TokenAsync(cancellationToken);

        var call = DiscoverAsync(rig, token, cancellationToken);
        var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);
        var request = await upstream.WaitForLineAsync(l => l.Method == "server/discover", cancellationToken);
        // Three idle timeouts with the call in flight: the session must still be there to carry the answer.
        await Task.Delay(_idleTimeout * 3, cancellationToken);
        await upstream.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":" + request.RawId + ",\"result\":{}}\n", cancellationToken);

        Assert.Multiple(async () =>
        {
            Assert.That(await call, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(upstream.Reading.IsCompleted, Is.False, "the upstream stays open while a call is in flight");
        });
    }

    private static async Task<HttpStatusCode> DiscoverAsync(FrontDoorRig rig, string token, CancellationToken cancellationToken)
    {
        const string Discover = """{"jsonrpc":"2.0","id":"probe-1","method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}""";
        using var request = FrontDoorRig.Post(rig.Url(Spy), Discover, token);
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", "server/discover");
        using var response = await rig.Http.SendAsync(request, cancellationToken);
        return response.StatusCode;
    }

    private static async Task<double> ConnectionsActiveAsync(FrontDoorRig rig, CancellationToken cancellationToken)
    {
        var text = await rig.Http.GetStringAsync(string.Create(CultureInfo.InvariantCulture, $"http://{rig.Gateway.Application.AdminEndpoint}/metrics"), cancellationToken);
        const string Series = "mcpgw_connections_active ";
        var line = text.Split('\n').Single(l => l.StartsWith(Series, StringComparison.Ordinal));
        return double.Parse(line[Series.Length..], CultureInfo.InvariantCulture);
    }
}
