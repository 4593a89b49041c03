using System.Text;
using System.Text.Json.Nodes;
using McpGateway.Core.Recording;
using McpGateway.Core.Chain;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Hosting;
using McpGateway.Core.Sessions;
using NUnit.Framework;
using static McpGateway.Tests.Sessions.SessionFrames;

namespace McpGateway.Tests.Sessions;

/// <summary>
/// The terminal stage over in-memory transports: each kind of outcome a frame (or a session) can have is driven once
/// through a real session, and the recorder sees every frame exactly once, relayed frames included: their record is made
/// by the session once the chain has run, from the bytes that leave, and commits before they go on.
/// </summary>
[TestFixture]
internal sealed class SessionRecordingTests
{
    private static readonly GatewayError Denied = new(GatewayErrorCode.Forbidden, "denied_by_test", "Forbidden: the scripted inspector denies this tool");

    [Test]
    [CancelAfter(20000)]
    public async Task RecordAsync_EveryKindOfOutcomeOnce_RecorderSeesEachFrameExactlyOnce(CancellationToken cancellationToken)
    {
        var upstream = new PipeUpstream();
        // The approver withdrew before the session waits on the decision: the withdrawal is recorded in the client's
        // pump, in order, so the next answer the client gets shows it happened.
        var withdrawn = Task.FromCanceled<Verdict>(new CancellationToken(canceled: true));
        await using var rig = new SessionRig(
            upstream,
            services => services.AddInspector("scripted", _ => new ScriptedInspector(withdrawn)),
            ["scripted"],
            requestTimeout: TimeSpan.FromSeconds(5));
        var session = rig.NdjsonSession(out var client);
        var run = session.RunAsync(cancellationToken);

        // Started, then relayed both ways.
        await client.SendAsync(Authenticate, cancellationToken);
        await client.Received.NextAsync(cancellationToken);
        await GatewaySessionTests.InitializeAsync(client, upstream, cancellationToken);
        await client.SendAsync(Call(2), cancellationToken);
        await upstream.Forwarded.NextAsync(cancellationToken);
        await upstream.SendAsync(Result(2), cancellationToken);
        await client.Received.NextAsync(cancellationToken);

        // Rejected and responded by an inspector.
        await client.SendAsync(Call(3, "reject"), cancellationToken);
        var rejected = JsonNode.Parse((await client.Received.NextAsync(cancellationToken))!)!;
        await client.SendAsync(Call(4, "respond"), cancellationToken);
        var responded = JsonNode.Parse((await client.Received.NextAsync(cancellationToken))!)!;

        // An id in use while a call is pending, then that call answered by the gateway on timeout, and the cancellation
        // the gateway makes itself (generated).
        await client.SendAsync(Call(5), cancellationToken);
        await upstream.Forwarded.NextAsync(cancellationToken);
        await client.SendAsync(Ping(5), cancellationToken);
        var idInUse = JsonNode.Parse((await client.Received.NextAsync(cancellationToken))!)!;
        rig.Clock.Advance(TimeSpan.FromSeconds(6));
        var timedOut = JsonNode.Parse((await client.Received.NextAsync(cancellationToken))!)!;
        var cancellation = JsonNode.Parse((await upstream.Forwarded.NextAsync(cancellationToken))!)!;

        // Held then withdrawn (no answer), then invalid: its answer is the next thing the client gets.
        await client.SendAsync(Call(6, "hold"), cancellationToken);
        await client.SendAsync("""{"jsonrpc":"2.0","id":7,"method":"ping","method":"ping"}""", cancellationToken);
        var invalid = JsonNode.Parse((await client.Received.NextAsync(cancellationToken))!)!;

        // Dropped: an answer nobody asked for; the notification after it shows it was handled.
        await upstream.SendAsync(Result(99), cancellationToken);
        await upstream.SendAsync(LogMessage, cancellationToken);
        await client.Received.NextAsync(cancellationToken);

        // Answered by the gateway when the upstream goes away, and the session's end.
        await client.SendAsync(Call(8), cancellationToken);
        await upstream.Forwarded.NextAsync(cancellationToken);
        await upstream.CloseAsync();
        var exited = JsonNode.Parse((await client.Received.NextAsync(cancellationToken))!)!;
        await run.WaitAsync(cancellationToken);
        await session.DisposeAsync();

        // A session refused before it began.
        var refusedSession = new GatewaySession(rig.Runtime, new CollectingSink(), "http");
        var refusal = await refusedSession.Handshake.AuthenticateAsync("dev", "nowhere", cancellationToken);
        await refusedSession.RunAsync(refusal, cancellationToken).WaitAsync(cancellationToken);
        await refusedSession.DisposeAsync();

        string[] expected =
        [
            "session_start",
            "relayed client->upstream initialize", "relayed upstream->client initialize", "relayed client->upstream notifications/initialized",
            "relayed client->upstream tools/call", "relayed upstream->client tools/call",
            "rejected tools/call denied_by_test",
            "responded tools/call",
            "relayed client->upstream tools/call", "rejected ping id_in_use",
            "generated tools/call upstream_timeout", "generated notifications/cancelled upstream_timeout",
            "withdrawn tools/call",
            "invalid duplicate_member",
            "dropped", "relayed upstream->client notifications/message",
            "relayed client->upstream tools/call", "generated tools/call upstream_exited",
            "session_end upstream closed",
            "session_refused unknown_connection",
        ];
        Assert.Multiple(() =>
        {
            Assert.That((string?)rejected["error"]?["data"]?["reason"], Is.EqualTo("denied_by_test"));
            Assert.That((string?)responded["result"]?["content"]?[0]?["text"], Is.EqualTo("answered by the inspector"));
            Assert.That((int?)timedOut["id"], Is.EqualTo(5));
            Assert.That((int?)timedOut["error"]?["code"], Is.EqualTo(-31008));
            Assert.That((string?)cancellation["method"], Is.EqualTo("notifications/cancelled"));
            Assert.That((string?)idInUse["error"]?["data"]?["reason"], Is.EqualTo("id_in_use"));
            Assert.That((string?)invalid["error"]?["data"]?["reason"], Is.EqualTo("duplicate_member"), "the withdrawn call got no answer");
            Assert.That((int?)exited["id"], Is.EqualTo(8));
            Assert.That((int?)exited["error"]?["code"], Is.EqualTo(-31007));
            Assert.That(refusal.Refusal?.Reason, Is.EqualTo("unknown_connection"));
            Assert.That(rig.Recorder.Records, Is.EquivalentTo(expected), string.Join('\n', rig.Recorder.Records));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task RecordAsync_GatewayAndInspectorRefusals_EachCountedOnceWhereRecorded(CancellationToken cancellationToken)
    {
        var upstream = new PipeUpstream();
        var never = new TaskCompletionSource<Verdict>();
        await using var rig = new SessionRig(upstream, services => services.AddInspector("scripted", _ => new ScriptedInspector(never.Task)), ["scripted"]);
        using var exporter = new PrometheusExporter(rig.Runtime.Metrics);
        var session = rig.NdjsonSession(out var client);
        var run = session.RunAsync(cancellationToken);
        await client.SendAsync(Authenticate, cancellationToken);
        await client.Received.NextAsync(cancellationToken);
        await GatewaySessionTests.InitializeAsync(client, upstream, cancellationToken);

        await client.SendAsync("""{"jsonrpc":"2.0","id":7,"method":"ping","method":"ping"}""", cancellationToken);
        await client.Received.NextAsync(cancellationToken);
        await client.SendAsync(Call(3, "reject"), cancellationToken);
        await client.Received.NextAsync(cancellationToken);
        await client.SendAsync(Call(4), cancellationToken);
        await upstream.Forwarded.NextAsync(cancellationToken);
        await client.SendAsync(Ping(4), cancellationToken);
        await client.Received.NextAsync(cancellationToken);
        await client.CloseAsync();
        await run.WaitAsync(cancellationToken);
        await session.DisposeAsync();
        var verdicts = exporter.Write().Split('\n').Where(l => l.StartsWith("mcpgw_verdicts_total{", StringComparison.Ordinal)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(verdicts, Has.One.StartsWith("mcpgw_verdicts_total{inspector=\"gateway\",verdict=\"reject\",reason=\"duplicate_member\"").And.EndsWith("} 1"), string.Join('\n', verdicts));
            Assert.That(verdicts, Has.One.StartsWith("mcpgw_verdicts_total{inspector=\"gateway\",verdict=\"reject\",reason=\"id_in_use\"").And.EndsWith("} 1"), string.Join('\n', verdicts));
            Assert.That(verdicts, Has.One.StartsWith("mcpgw_verdicts_total{inspector=\"scripted\",verdict=\"reject\",reason=\"denied_by_test\"").And.EndsWith("} 1"), string.Join('\n', verdicts));
            Assert.That(verdicts, Has.Count.EqualTo(3), string.Join('\n', verdicts));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task RecordAsync_RelayedFrame_RecordedFromTheBytesThatLeaveAndForwardedOnlyOnceCommitted(CancellationToken cancellationToken)
    {
        var upstream = new PipeUpstream();
        var never = new TaskCompletionSource<Verdict>();
        await using var rig = new SessionRig(upstream, services => services.AddInspector("scripted", _ => new ScriptedInspector(never.Task)), ["scripted"]);
        var commit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var recorded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        rig.Recorder.Commit = frame =>
        {
            if (frame.ToolName != "rewrite")
            {
                return null;
            }

            recorded.TrySetResult();
            return commit.Task;
        };
        var session = rig.NdjsonSession(out var client);
        var run = session.RunAsync(cancellationToken);
        await client.SendAsync(Authenticate, cancellationToken);
        await client.Received.NextAsync(cancellationToken);
        await GatewaySessionTests.InitializeAsync(client, upstream, cancellationToken);

        var forwarding = upstream.Forwarded.NextAsync(cancellationToken);
        await client.SendAsync(Call(2, "rewrite"), cancellationToken);
        await recorded.Task.WaitAsync(cancellationToken);

        // The other direction goes on meanwhile; the call waits for its commit.
        await upstream.SendAsync(LogMessage, cancellationToken);
        var marker = await client.Received.NextAsync(cancellationToken);
        var forwardedBeforeCommit = forwarding.IsCompleted;
        commit.SetResult();
        var forwarded = await forwarding;
        await client.CloseAsync();
        await run.WaitAsync(cancellationToken);
        await session.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(marker, Is.EqualTo(LogMessage));
            Assert.That(forwardedBeforeCommit, Is.False, "the call reached the upstream before its record was committed");
            Assert.That(forwarded, Is.EqualTo(Rewritten(2)), "the inspector's replacement went on");
            Assert.That(rig.Recorder.RelayedPayloads, Has.One.EqualTo(Rewritten(2)), "the record holds the bytes that left the chain");
            Assert.That(rig.Recorder.RelayedPayloads, Has.None.EqualTo(Call(2, "rewrite")));
            Assert.That(rig.Recorder.Records.Count(r => r == "relayed client->upstream tools/call"), Is.EqualTo(1), string.Join('\n', rig.Recorder.Records));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task RecordAsync_RelayedFramesOfOneReadBatch_AllEnqueuedBeforeAnyWaitsThenForwardedInOrder(CancellationToken cancellationToken)
    {
        // The second record is enqueued while the first is not committed yet.
        var forwarded = await ForwardCallsTwoAndThreeInOneBatchAsync(_ => true, waiting: 2, cancellationToken);

        Assert.That(forwarded, Is.EqualTo((Call(2), Call(3))));
    }

    [Test]
    [CancelAfter(10000)]
    public async Task RecordAsync_LaterFrameOfTheBatchCommittedFirst_StillForwardedAfterTheEarlierOne(CancellationToken cancellationToken)
    {
        // Call 2's record waits, call 3's is committed at once: call 3 must not overtake call 2.
        var forwarded = await ForwardCallsTwoAndThreeInOneBatchAsync(frame => frame.Id.Number == 2, waiting: 1, cancellationToken);

        Assert.That(forwarded, Is.EqualTo((Call(2), Call(3))));
    }

    /// <summary>
    /// Sends calls 2 and 3 in one write (one read batch); the records of the calls <paramref name="waits"/> picks wait for
    /// one commit, made once <paramref name="waiting"/> of them wait. Returns the first two frames the upstream got.
    /// </summary>
    private static async Task<(string? First, string? Second)> ForwardCallsTwoAndThreeInOneBatchAsync(Func<McpFrame, bool> waits, int waiting, CancellationToken cancellationToken)
    {
        var upstream = new PipeUpstream();
        await using var rig = new SessionRig(upstream);
        var commit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        var allWaiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        rig.Recorder.Commit = frame =>
        {
            if (frame.Method != "tools/call" || !waits(frame))
            {
                return null;
            }

            if (Interlocked.Increment(ref calls) == waiting)
            {
                allWaiting.TrySetResult();
            }

            return commit.Task;
        };
        var session = rig.NdjsonSession(out var client);
        var run = session.RunAsync(cancellationToken);
        await client.SendAsync(Authenticate, cancellationToken);
        await client.Received.NextAsync(cancellationToken);
        await GatewaySessionTests.InitializeAsync(client, upstream, cancellationToken);

        await client.SendAsync(Call(2) + "\n" + Call(3), cancellationToken);
        await allWaiting.Task.WaitAsync(cancellationToken);
        commit.SetResult();
        var first = await upstream.Forwarded.NextAsync(cancellationToken);
        var second = await upstream.Forwarded.NextAsync(cancellationToken);
        await client.CloseAsync();
        await run.WaitAsync(cancellationToken);
        await session.DisposeAsync();
        return (first, second);
    }

    [Test]
    [CancelAfter(10000)]
    public async Task RecordAsync_RelayedRecordNotCommitted_RefusedWithAuditUnavailableCountedOnceUnderRecordingStage(CancellationToken cancellationToken)
    {
        var upstream = new PipeUpstream();
        await using var rig = new SessionRig(upstream);
        rig.Recorder.Commit = frame => frame.Method == "tools/call" ? Task.FromException(new AuditUnavailableException("store down")) : null;
        using var exporter = new PrometheusExporter(rig.Runtime.Metrics);
        var session = rig.NdjsonSession(out var client);
        var run = session.RunAsync(cancellationToken);
        await client.SendAsync(Authenticate, cancellationToken);
        await client.Received.NextAsync(cancellationToken);
        await GatewaySessionTests.InitializeAsync(client, upstream, cancellationToken);

        await client.SendAsync(Call(5), cancellationToken);
        var refused = JsonNode.Parse((await client.Received.NextAsync(cancellationToken))!)!;
        await client.SendAsync(Ping(6), cancellationToken);
        var forwarded = await upstream.Forwarded.NextAsync(cancellationToken);
        await client.CloseAsync();
        await run.WaitAsync(cancellationToken);
        await session.DisposeAsync();
        var verdicts = exporter.Write().Split('\n').Where(l => l.StartsWith("mcpgw_verdicts_total{", StringComparison.Ordinal)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That((int?)refused["id"], Is.EqualTo(5));
            Assert.That((int?)refused["error"]?["code"], Is.EqualTo(-31006));
            Assert.That(forwarded, Is.EqualTo(Ping(6)), "the call whose record failed never reached the upstream");
            Assert.That(verdicts, Has.One.StartsWith("mcpgw_verdicts_total{inspector=\"recording\",verdict=\"reject\",reason=\"audit_unavailable\"").And.EndsWith("} 1"), string.Join('\n', verdicts));
            Assert.That(rig.Recorder.Records.Count(r => r.Contains("tools/call", StringComparison.Ordinal)), Is.EqualTo(1), "the call's one record is the one that failed");
        });
    }

    private static string Rewritten(int id) =>
        $$$$"""{"jsonrpc":"2.0","id":{{{{id}}}},"method":"tools/call","params":{"name":"rewrite","arguments":{"text":"rewritten"}}}""";

    /// <summary>Decides the calls of the tools <c>reject</c>, <c>respond</c>, <c>hold</c> and <c>rewrite</c> (replaced); lets everything else on.</summary>
    private sealed class ScriptedInspector(Task<Verdict> decision) : IFrameInspector
    {
        public string Name => "scripted";

        public InspectedDirections Directions => InspectedDirections.ClientToUpstream;

        public ValueTask<Verdict> InspectAsync(McpFrame frame, CancellationToken cancellationToken) =>
            ValueTask.FromResult(frame.ToolName switch
            {
                "reject" => Verdict.Reject(Denied),
                "respond" => Verdict.Respond("""{"content":[{"type":"text","text":"answered by the inspector"}]}"""u8.ToArray()),
                "hold" => Verdict.Hold(decision),
                "rewrite" => Verdict.Replace(Encoding.UTF8.GetBytes(Rewritten((int)frame.Id.Number))),
                _ => Verdict.Forward,
            });
    }
}
