using System.Text.Json.Nodes;
using McpGateway.Core.Chain;
using McpGateway.Core.Recording;
using McpGateway.Core.Sessions;
using Microsoft.Extensions.DependencyInjection;
using McpGateway.Core.Hosting;
using NUnit.Framework;
using static McpGateway.Tests.Sessions.SessionFrames;

namespace McpGateway.Tests.Sessions;

/// <summary>The coordinator end to end over in-memory NDJSON pipes, with a fake upstream and a manual clock.</summary>
[TestFixture]
internal sealed class GatewaySessionTests
{
    [Test]
    [CancelAfter(10000)]
    public async Task RunAsync_AuthenticateInitializeAndCall_RelaysEachFrameUnchangedBothWays(CancellationToken cancellationToken)
    {
        var upstream = new PipeUpstream();
        await using var rig = new SessionRig(upstream);
        var session = rig.NdjsonSession(out var client);
        var run = session.RunAsync(cancellationToken);

        await client.SendAsync(Authenticate, cancellationToken);
        var authenticated = JsonNode.Parse((await client.Received.NextAsync(cancellationToken))!)!;
        await InitializeAsync(client, upstream, cancellationToken);
        await client.SendAsync(Call(2), cancellationToken);
        var forwarded = await upstream.Forwarded.NextAsync(cancellationToken);
        await upstream.SendAsync(Result(2), cancellationToken);
        var answered = await client.Received.NextAsync(cancellationToken);
        await client.CloseAsync();
        await run.WaitAsync(cancellationToken);
        await session.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That((string?)authenticated["result"]?["subject"], Is.EqualTo("anonymous"));
            Assert.That((string?)authenticated["result"]?["sessionId"], Is.EqualTo(session.Id));
            Assert.That(forwarded, Is.EqualTo(Call(2)));
            Assert.That(answered, Is.EqualTo(Result(2)));
            Assert.That(session.ProtocolVersion, Is.EqualTo("2025-06-18"));
            Assert.That(rig.Recorder.Records, Is.EqualTo(new[]
            {
                "session_start",
                "relayed client->upstream initialize", "relayed upstream->client initialize", "relayed client->upstream notifications/initialized",
                "relayed client->upstream tools/call", "relayed upstream->client tools/call",
                "session_end client closed",
            }));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task RunAsync_CallBeforeInitialize_NotInitializedRecordedOnceAndNothingForwarded(CancellationToken cancellationToken)
    {
        var upstream = new PipeUpstream();
        await using var rig = new SessionRig(upstream);
        var session = rig.NdjsonSession(out var client);
        var run = session.RunAsync(cancellationToken);
        await client.SendAsync(Authenticate, cancellationToken);
        await client.Received.NextAsync(cancellationToken);

        await client.SendAsync(Call(2), cancellationToken);
        var refused = JsonNode.Parse((await client.Received.NextAsync(cancellationToken))!)!;
        await client.SendAsync(Ping(3), cancellationToken);
        var firstForwarded = await upstream.Forwarded.NextAsync(cancellationToken);
        await client.CloseAsync();
        await run.WaitAsync(cancellationToken);
        await session.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That((int?)refused["id"], Is.EqualTo(2));
            Assert.That((int?)refused["error"]?["code"], Is.EqualTo(-32600));
            Assert.That((string?)refused["error"]?["data"]?["reason"], Is.EqualTo("not_initialized"));
            Assert.That(firstForwarded, Is.EqualTo(Ping(3)), "ping passes before initialize; the call did not");
            Assert.That(rig.Recorder.Records.Count(r => r == "rejected tools/call not_initialized"), Is.EqualTo(1));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task RunAsync_UpstreamExitsWithCallPending_ClientGetsUpstreamExitedOnceAndItIsRecordedFirst(CancellationToken cancellationToken)
    {
        var upstream = new PipeUpstream();
        await using var rig = new SessionRig(upstream);
        var session = rig.NdjsonSession(out var client);
        var run = session.RunAsync(cancellationToken);
        await client.SendAsync(Authenticate, cancellationToken);
        await client.Received.NextAsync(cancellationToken);
        await InitializeAsync(client, upstream, cancellationToken);

        await client.SendAsync(Call(4), cancellationToken);
        await upstream.Forwarded.NextAsync(cancellationToken);
        await upstream.CloseAsync();
        var failed = JsonNode.Parse((await client.Received.NextAsync(cancellationToken))!)!;
        await run.WaitAsync(cancellationToken);
        await session.DisposeAsync();
        var after = await client.Received.NextAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That((int?)failed["id"], Is.EqualTo(4));
            Assert.That((int?)failed["error"]?["code"], Is.EqualTo(-31007));
            Assert.That((string?)failed["error"]?["data"]?["correlationId"], Does.StartWith(session.Id + ":"));
            Assert.That(after, Is.Null, "one answer, then the client side closes");
            Assert.That(rig.Recorder.Records.Count(r => r.StartsWith("generated tools/call", StringComparison.Ordinal)), Is.EqualTo(1));
            Assert.That(rig.Recorder.Records.Last(), Is.EqualTo("session_end upstream closed"));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task RunAsync_AnswerToACancelledCall_DroppedAndTheIdFreeAgainAfterwards(CancellationToken cancellationToken)
    {
        var upstream = new PipeUpstream();
        await using var rig = new SessionRig(upstream);
        var session = rig.NdjsonSession(out var client);
        var run = session.RunAsync(cancellationToken);
        await client.SendAsync(Authenticate, cancellationToken);
        await client.Received.NextAsync(cancellationToken);
        await InitializeAsync(client, upstream, cancellationToken);

        await client.SendAsync(Call(7), cancellationToken);
        await upstream.Forwarded.NextAsync(cancellationToken);
        await client.SendAsync(Cancelled(7), cancellationToken);
        var cancellation = await upstream.Forwarded.NextAsync(cancellationToken);
        await upstream.SendAsync(Result(7), cancellationToken);

        // The upstream pump handles its frames in order: once this notification arrives, the late answer was handled.
        await upstream.SendAsync(LogMessage, cancellationToken);
        var marker = await client.Received.NextAsync(cancellationToken);
        await client.SendAsync(Call(7, "again"), cancellationToken);
        var reused = await upstream.Forwarded.NextAsync(cancellationToken);
        await upstream.SendAsync(Result(7), cancellationToken);
        var answer = await client.Received.NextAsync(cancellationToken);
        await client.CloseAsync();
        await run.WaitAsync(cancellationToken);
        await session.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(cancellation, Is.EqualTo(Cancelled(7)));
            Assert.That(marker, Is.EqualTo(LogMessage), "the late answer to the cancelled call never reached the client");
            Assert.That(reused, Is.EqualTo(Call(7, "again")), "the late answer removed the tombstone; the id may be used again");
            Assert.That(answer, Is.EqualTo(Result(7)), "the client got exactly one answer for id 7: the second call's");
            Assert.That(rig.Recorder.Records.Count(r => r == "dropped"), Is.EqualTo(1), "the late answer is on record as dropped");
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task RunAsync_RecordNotCommitted_CallRefusedWithAuditUnavailableAndNotForwarded(CancellationToken cancellationToken)
    {
        var upstream = new PipeUpstream();
        await using var rig = new SessionRig(upstream);
        rig.Recorder.Commit = frame => frame.Method == "tools/call" ? Task.FromException(new AuditUnavailableException("store down")) : null;
        var session = rig.NdjsonSession(out var client);
        var run = session.RunAsync(cancellationToken);
        await client.SendAsync(Authenticate, cancellationToken);
        await client.Received.NextAsync(cancellationToken);
        await InitializeAsync(client, upstream, cancellationToken);

        await client.SendAsync(Call(5), cancellationToken);
        var refused = JsonNode.Parse((await client.Received.NextAsync(cancellationToken))!)!;
        await client.SendAsync(Ping(6), cancellationToken);
        var forwarded = await upstream.Forwarded.NextAsync(cancellationToken);
        await client.CloseAsync();
        await run.WaitAsync(cancellationToken);
        await session.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That((int?)refused["id"], Is.EqualTo(5));
            Assert.That((int?)refused["error"]?["code"], Is.EqualTo(-31006));
            Assert.That(forwarded, Is.EqualTo(Ping(6)), "the call whose record failed never reached the upstream");
        });
    }

    internal static async Task InitializeAsync(PipeClient client, PipeUpstream upstream, CancellationToken cancellationToken)
    {
        await client.SendAsync(Initialize, cancellationToken);
        Assert.That(await upstream.Forwarded.NextAsync(cancellationToken), Is.EqualTo(Initialize));
        await upstream.SendAsync(InitializeResult, cancellationToken);
        Assert.That(await client.Received.NextAsync(cancellationToken), Is.EqualTo(InitializeResult));
        await client.SendAsync(Initialized, cancellationToken);
        Assert.That(await upstream.Forwarded.NextAsync(cancellationToken), Is.EqualTo(Initialized));
    }
}
