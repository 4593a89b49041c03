using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Core.Upstreams;
using McpGateway.Tests.EndToEnd.Hostile;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Tests.EndToEnd.Protocol;

/// <summary>
/// <c>connections.&lt;name&gt;.warmConnections</c> through the real listener: the gateway connects that many sockets to
/// the upstream once it has started, a session takes one instead of connecting, the pool refills, a socket the upstream
/// closed or wrote to while unused is never given to a session, and draining closes what is left.
/// </summary>
[TestFixture]
internal sealed class WarmUpstreamTests
{
    [Test]
    [CancelAfter(15000)]
    public async Task Start_TwoWarmConnections_UpstreamAcceptsTwoIdleSocketsBeforeAnyClient(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Echo);
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, Warm(spy, 2));

        var second = await spy.WaitForConnectionAsync(1, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(spy.Connections.Select(c => c.Lines.Count), Is.All.EqualTo(0), "a warm socket carries nothing until a session takes it");
            Assert.That(second.Reading.IsCompleted, Is.False, "the gateway keeps it open");
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Session_WarmSocketReady_RelaysOverItAndThePoolRefills(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Echo);
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, Warm(spy, 1));
        var warm = await spy.WaitForConnectionAsync(0, cancellationToken);
        Assert.That(await PooledAsync(gateway, cancellationToken), Is.True, "the gateway holds the warm socket");

        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        await client.InitializeAsync(cancellationToken);
        var pong = await client.RequestAsync("warm-1", "ping", null, cancellationToken);
        var refill = await spy.WaitForConnectionAsync(1, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That((string?)pong["result"]?["echo"], Is.EqualTo("ping"), pong.ToJsonString());
            Assert.That(warm.Traffic.Select(l => l.Method), Is.EqualTo(new[] { "ping" }), "the session ran over the socket connected before it");
            Assert.That(refill.Lines, Is.Empty, "the refilled socket waits for the next session");
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Session_WarmSocketClosedByTheUpstream_IsDiscardedAndTheSessionStillWorks(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Echo);
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, Warm(spy, 1));
        var closed = await spy.WaitForConnectionAsync(0, cancellationToken);
        Assert.That(await PooledAsync(gateway, cancellationToken), Is.True, "the gateway holds the warm socket");
        await closed.DisposeAsync();

        var (pong, used) = await PingAsync(gateway, spy, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That((string?)pong["result"]?["echo"], Is.EqualTo("ping"), pong.ToJsonString());
            Assert.That(used.Index, Is.GreaterThan(0), "the session got a socket the upstream had not closed");
            Assert.That(closed.Lines, Is.Empty);
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Session_WarmSocketTheUpstreamSpokeOn_IsDiscardedAndTheSessionStillWorks(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Echo);
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, Warm(spy, 1));
        var spoken = await spy.WaitForConnectionAsync(0, cancellationToken);
        Assert.That(await PooledAsync(gateway, cancellationToken), Is.True, "the gateway holds the warm socket");

        // A line no session asked for: relaying it to the next client would hand it another session's state.
        await spoken.SendAsync("""{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"stale"}}""", cancellationToken);
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        await client.InitializeAsync(cancellationToken);
        var others = new List<JsonObject>();
        var pong = await client.RequestAsync("after-stale", "ping", null, cancellationToken, others);
        var used = await spy.WaitForLineAsync("""{"jsonrpc":"2.0","id":"after-stale","method":"ping"}"""u8.ToArray(), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That((string?)pong["result"]?["echo"], Is.EqualTo("ping"), pong.ToJsonString());
            Assert.That(used.Index, Is.GreaterThan(0), "the session got a socket the upstream had not written to");
            Assert.That(others.Select(o => o.ToJsonString()), Has.None.Contains("stale"), "the stale line never reached the client");
            Assert.That(spoken.Lines, Is.Empty);
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Stop_WarmSocketsUnused_GatewayClosesThem(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Echo);
        var gateway = await GatewayHarness.StartAsync(cancellationToken, Warm(spy, 2));
        var first = await spy.WaitForConnectionAsync(0, cancellationToken);
        var second = await spy.WaitForConnectionAsync(1, cancellationToken);

        await gateway.DisposeAsync();
        await Task.WhenAll(first.Reading, second.Reading).WaitAsync(cancellationToken);

        Assert.That(spy.Connections.Select(c => c.Lines.Count), Is.All.EqualTo(0), "closed without a byte");
    }

    [Test]
    [CancelAfter(60000)]
    public async Task CallToolAsync_WarmSocketToServerEverything_AnswersLikeAFreshConnection(CancellationToken cancellationToken)
    {
        await using var upstream = await TcpMcpServer.StartEverythingAsync(cancellationToken);
        var connection = GatewayHarness.Tcp("everything", upstream.Port) with { WarmConnections = 1 };
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, connection);
        var warm = gateway.Application.Services.GetRequiredService<WarmUpstreams>();
        Assert.That(await Eventually.TrueAsync(() => warm.Idle("everything") == 1, TimeSpan.FromSeconds(20), cancellationToken), Is.True, "the warm socket connected");

        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        await client.InitializeAsync(cancellationToken);
        var echo = await client.RequestAsync("echo-1", "tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = "warm" } }, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That((string?)echo["result"]?["content"]?[0]?["text"], Does.Contain("warm"), echo.ToJsonString());
            Assert.That(warm.Idle("everything"), Is.LessThanOrEqualTo(1));
        });
    }

    /// <summary>
    /// Waits until the gateway's pool holds one socket: the upstream accepting it comes first, and a session that starts
    /// in between connects on its own (the pool is still empty), which is not what these tests are about.
    /// </summary>
    private static Task<bool> PooledAsync(GatewayHarness gateway, CancellationToken cancellationToken)
    {
        var warm = gateway.Application.Services.GetRequiredService<WarmUpstreams>();
        return Eventually.TrueAsync(() => warm.Idle("spy") == 1, TimeSpan.FromSeconds(10), cancellationToken);
    }

    private static TcpConnectionSettings Warm(SpyUpstream spy, int count) => GatewayHarness.Tcp("spy", spy.Port) with { WarmConnections = count };

    private static async Task<(JsonObject Pong, SpyConnection Used)> PingAsync(GatewayHarness gateway, SpyUpstream spy, CancellationToken cancellationToken)
    {
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        await client.InitializeAsync(cancellationToken);
        var pong = await client.RequestAsync("after-close", "ping", null, cancellationToken);
        var used = await spy.WaitForLineAsync("""{"jsonrpc":"2.0","id":"after-close","method":"ping"}"""u8.ToArray(), cancellationToken);
        return (pong, used);
    }
}
