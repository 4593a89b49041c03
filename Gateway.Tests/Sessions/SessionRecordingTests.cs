using System.Text.Json.Nodes;
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
/// through a real session, and the recorder sees every frame exactly once. Relayed frames are recorded by the chain's
/// recording stage, played here by <see cref="LedgerInspector"/>; everything else by the session's recording stage.
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
        SessionRig? owner = null;
        await using var rig = new SessionRig(
            upstream,
            services => services
                .AddInspector("scripted", _ => new ScriptedInspector(withdrawn))
                .AddInspector("ledger", _ => new LedgerInspector(() => owner!.Recorder)),
            ["scripted", "ledger"],
            requestTimeout: TimeSpan.FromSeconds(5));
        owner = rig;
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

    /// <summary>Decides the calls of the tools <c>reject</c>, <c>respond</c> and <c>hold</c>; lets everything else on.</summary>
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
                _ => Verdict.Forward,
            });
    }

    /// <summary>
    /// Stands in for the recording inspector (the chain's last stage): records every frame the chain lets on, and hands
    /// the session the commit to wait for before the frame goes on.
    /// </summary>
    private sealed class LedgerInspector(Func<FakeRecorder> recorder) : IFrameInspector
    {
        public string Name => "ledger";

        public InspectedDirections Directions => InspectedDirections.Both;

        public ValueTask<Verdict> InspectAsync(McpFrame frame, CancellationToken cancellationToken)
        {
            var direction = frame.Direction == FrameDirection.ClientToUpstream ? "client->upstream" : "upstream->client";
            recorder().Records.Enqueue($"relayed {direction} {frame.Method}");
            frame.AwaitRecord(Task.CompletedTask);
            return ValueTask.FromResult(Verdict.Forward);
        }
    }
}
