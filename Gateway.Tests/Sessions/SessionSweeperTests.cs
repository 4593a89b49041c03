using System.Text.Json.Nodes;
using NUnit.Framework;
using static McpGateway.Tests.Sessions.SessionFrames;

namespace McpGateway.Tests.Sessions;

/// <summary>The sweeper's clocks, driven by a manual clock: request timeouts and idle sessions.</summary>
[TestFixture]
internal sealed class SessionSweeperTests
{
    [Test]
    [CancelAfter(10000)]
    public async Task Sweep_CallPastItsTimeout_ClientGetsTimeoutAndUpstreamGetsCancellation(CancellationToken cancellationToken)
    {
        var upstream = new PipeUpstream();
        await using var rig = new SessionRig(upstream, requestTimeout: TimeSpan.FromSeconds(5));
        var session = rig.NdjsonSession(out var client);
        var run = session.RunAsync(cancellationToken);
        await client.SendAsync(Authenticate, cancellationToken);
        await client.Received.NextAsync(cancellationToken);
        await GatewaySessionTests.InitializeAsync(client, upstream, cancellationToken);
        await client.SendAsync(Call(8), cancellationToken);
        await upstream.Forwarded.NextAsync(cancellationToken);

        rig.Clock.Advance(TimeSpan.FromSeconds(4));
        await client.SendAsync(Ping(9), cancellationToken);
        var beforeDeadline = await upstream.Forwarded.NextAsync(cancellationToken);
        rig.Clock.Advance(TimeSpan.FromSeconds(2));
        var timedOut = JsonNode.Parse((await client.Received.NextAsync(cancellationToken))!)!;
        var cancellation = JsonNode.Parse((await upstream.Forwarded.NextAsync(cancellationToken))!)!;
        await client.CloseAsync();
        await run.WaitAsync(cancellationToken);
        await session.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(beforeDeadline, Is.EqualTo(Ping(9)), "nothing was given up before the deadline");
            Assert.That((int?)timedOut["id"], Is.EqualTo(8));
            Assert.That((int?)timedOut["error"]?["code"], Is.EqualTo(-31008));
            Assert.That((string?)cancellation["method"], Is.EqualTo("notifications/cancelled"));
            Assert.That((int?)cancellation["params"]?["requestId"], Is.EqualTo(8));
            Assert.That(rig.Recorder.Records.Count(r => r == "generated tools/call upstream_timeout"), Is.EqualTo(1), "the answer is on record once");
            Assert.That(rig.Recorder.Records.Count(r => r == "generated notifications/cancelled upstream_timeout"), Is.EqualTo(1), "the cancellation is on record once");
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Sweep_NothingReadForTheIdleTimeout_SessionEndsAsIdle(CancellationToken cancellationToken)
    {
        var upstream = new PipeUpstream();
        await using var rig = new SessionRig(upstream, idleTimeout: TimeSpan.FromMinutes(1));
        var session = rig.NdjsonSession(out var client);
        var run = session.RunAsync(cancellationToken);
        await client.SendAsync(Authenticate, cancellationToken);
        await client.Received.NextAsync(cancellationToken);

        rig.Clock.Advance(TimeSpan.FromSeconds(59));
        await client.SendAsync(Ping(1), cancellationToken);
        var relayedBeforeIdle = await upstream.Forwarded.NextAsync(cancellationToken);
        rig.Clock.Advance(TimeSpan.FromSeconds(61));
        await run.WaitAsync(cancellationToken);
        await session.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(relayedBeforeIdle, Is.EqualTo(Ping(1)), "not idle before the timeout");
            Assert.That(rig.Recorder.Records.Last(), Is.EqualTo("session_end idle timeout"));
        });
    }
}
