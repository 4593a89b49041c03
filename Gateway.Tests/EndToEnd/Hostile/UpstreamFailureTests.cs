using System.Text.Json.Nodes;
using McpGateway.Tests.EndToEnd.Support;
using static McpGateway.Tests.EndToEnd.Hostile.HostileWire;

namespace McpGateway.Tests.EndToEnd.Hostile;

/// <summary>
/// An upstream that dies or hangs answers every waiting call exactly once (-31007, -31008); too many pending calls
/// are refused (-31009) before they reach it.
/// </summary>
[TestFixture]
internal sealed class UpstreamFailureTests
{
    [Test]
    [CancelAfter(15000)]
    public async Task UpstreamDies_ThreeRequestsPending_OneUnavailableEachThenClosedAndNewSessionWorks(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Die(afterRequests: 3, "ping"));
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        await client.InitializeAsync(cancellationToken);

        await client.SendRawAsync(Utf8(string.Concat(Enumerable.Range(1, 3).Select(id => $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"tools/list\"}}\n"))), cancellationToken);
        var errors = await ReadLinesAsync(client, 3, cancellationToken);
        var rest = await ReadToEndAsync(client, cancellationToken);

        var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);
        Assert.Multiple(() =>
        {
            foreach (var error in errors)
            {
                AssertGatewayError(error, -31007, "upstream_exited", Parse(error)["id"]?.DeepClone());
            }

            Assert.That(errors.Select(l => (int?)Parse(l)["id"]), Is.EquivalentTo(new int?[] { 1, 2, 3 }), "one error per pending id");
            Assert.That(rest, Is.Empty, "nothing after the three errors, then the gateway closes");
            Assert.That(upstream.Traffic, Has.Count.EqualTo(3));
        });

        await using var next = await gateway.ConnectAsync(null, cancellationToken);
        var pong = await next.RequestAsync("after-crash", "ping", null, cancellationToken);
        Assert.That((string?)pong["result"]?["echo"], Is.EqualTo("ping"), pong.ToJsonString());
    }

    [Test]
    [CancelAfter(15000)]
    public async Task UpstreamHangs_RequestTimeoutOneSecond_OneTimeoutEachAndLateResponseDropped(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Hang("ping"));
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port, TimeSpan.FromSeconds(1)));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        await client.InitializeAsync(cancellationToken);
        var started = TimeProvider.System.GetTimestamp();

        await client.SendAsync("""{"jsonrpc":"2.0","id":"slow-1","method":"tools/list"}""", cancellationToken);
        await client.SendAsync("""{"jsonrpc":"2.0","id":"slow-2","method":"resources/list"}""", cancellationToken);
        var timeouts = await ReadLinesAsync(client, 2, cancellationToken);
        var elapsed = TimeProvider.System.GetElapsedTime(started);

        // Two more sweeps must not repeat them; then the upstream answers slow-1 late, then a ping.
        await Task.Delay(600, cancellationToken);
        var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);
        await upstream.SendAsync(upstream.Traffic[0].ResponseWith("""{"late":true}"""), cancellationToken);
        var pingId = NewId("ping");
        await client.SendRawAsync(WithNewline(Ping(pingId)), cancellationToken);
        var next = await client.ReadLineAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            foreach (var timeout in timeouts)
            {
                AssertGatewayError(timeout, -31008, "upstream_timeout", Parse(timeout)["id"]?.DeepClone());
            }

            Assert.That(timeouts.Select(l => (string?)Parse(l)["id"]), Is.EquivalentTo(new[] { "slow-1", "slow-2" }));
            Assert.That(elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900)));
            Assert.That(IsResponseTo(next!, pingId), Is.True, $"the late response must not be delivered; got {next}");
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task PendingRequests_LimitTwoUpstreamHanging_ThirdOverloadedAndNotForwarded(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Hang("ping"));
        var settings = GatewayHarness.Settings(GatewayHarness.Tcp("spy", spy.Port)) with { MaxPendingRequests = 2 };
        await using var gateway = await GatewayHarness.StartAsync(settings, cancellationToken);
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        await client.InitializeAsync(cancellationToken);

        await client.SendRawAsync(Utf8(string.Concat(Enumerable.Range(1, 3).Select(id => $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"tools/list\"}}\n"))), cancellationToken);
        var overloaded = await client.ReadLineAsync(cancellationToken);
        var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);
        await upstream.WaitForTrafficCountAsync(2, cancellationToken);
        await upstream.SendAsync(upstream.Traffic[0].EchoResponse(), cancellationToken);
        var first = await client.ReadAsync(cancellationToken);
        var pong = await client.RequestAsync("after-limit", "ping", null, cancellationToken);

        AssertGatewayError(overloaded!, -31009, "too_many_pending", 3);
        Assert.Multiple(() =>
        {
            Assert.That(JsonNode.DeepEquals(first["id"], 1), Is.True, first.ToJsonString());
            Assert.That((string?)pong["result"]?["echo"], Is.EqualTo("ping"), pong.ToJsonString());
            Assert.That(upstream.Traffic.Select(l => l.RawId), Is.EqualTo(new[] { "1", "2", "\"after-limit\"" }), upstream.Describe());
        });
    }

    private static async Task<List<string>> ReadToEndAsync(RawMcpClient client, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        try
        {
            while (await client.ReadLineAsync(cancellationToken) is { } line)
            {
                lines.Add(line);
            }
        }
        catch (IOException)
        {
            // Reset instead of closed: also the end.
        }

        return lines;
    }
}
