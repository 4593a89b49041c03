using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using McpGateway.Core.Recording;
using McpGateway.Tests.EndToEnd.Support;

namespace McpGateway.Tests.EndToEnd.External;

/// <summary>
/// An out-of-process inspector that fails (no verdict in the budget, crashes, writes garbage, stops reading) as a
/// client sees it through the real listener: the frame is refused (fail closed), or passes and is recorded where the
/// configuration fails open; a crashed inspector is started again and <c>/readyz</c> says so meanwhile; frames it did
/// not ask for flow on regardless. Each test has its own gateway and inspector process.
/// </summary>
[TestFixture]
internal sealed class ExternalInspectorFailureTests
{
    private static readonly JsonObject Audit = new() { ["audit"] = new JsonObject { ["path"] = "audit.db" } };

    [Test]
    [CancelAfter(30000)]
    public async Task ToolsCall_NoVerdictWithinBudget_RefusedWithInspectorTimeoutThenNextCallPasses(CancellationToken cancellationToken)
    {
        await using var rig = await ExternalInspectorRig.StartAsync(ExternalInspectorRig.Scripted(new JsonObject { ["budget"] = "00:00:00.200" }), cancellationToken);
        var (client, _) = await rig.ConnectAsync(cancellationToken);
        await using var _ = client;

        var watch = Stopwatch.StartNew();
        var slow = await ExternalInspectorRig.EchoAsync(client, 1, "sleep:1500", cancellationToken);
        var waited = watch.Elapsed;
        var next = await ExternalInspectorRig.EchoAsync(client, 2, "in time", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(ExternalInspectorRig.Code(slow), Is.EqualTo(-31003));
            Assert.That(ExternalInspectorRig.Reason(slow), Is.EqualTo("inspector_timeout"));
            Assert.That(ExternalInspectorRig.Rule(slow), Is.EqualTo(ExternalInspectorRig.Name));
            Assert.That(waited, Is.LessThan(TimeSpan.FromMilliseconds(1400)), "refused when the budget ran out, not when the inspector answered");
            Assert.That(ExternalInspectorRig.Text(next), Is.EqualTo("Echo: in time"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task ToolsCall_InspectorCrashes_RefusedThenRestartedAndReadyzNamesItWhileDown(CancellationToken cancellationToken)
    {
        // A restart delay long enough to observe the inspector down on /readyz.
        await using var rig = await ExternalInspectorRig.StartAsync(
            ExternalInspectorRig.Scripted(new JsonObject { ["restartDelay"] = "00:00:01.500", ["maxRestartDelay"] = "00:00:01.500" }), cancellationToken);
        var (client, _) = await rig.ConnectAsync(cancellationToken);
        await using var _ = client;
        var (readyBefore, _) = await rig.ReadyzAsync(cancellationToken);

        var crashed = await ExternalInspectorRig.EchoAsync(client, 1, "crash", cancellationToken);
        var (statusWhileDown, notReadyWhileDown) = await rig.ReadyzAsync(cancellationToken);
        var whileDown = await ExternalInspectorRig.EchoAsync(client, 2, "while down", cancellationToken);
        var list = await client.RequestAsync(3, "tools/list", null, cancellationToken);
        var back = await Eventually.TrueAsync(async ct => (await rig.ReadyzAsync(ct)).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(15), cancellationToken);
        var after = await ExternalInspectorRig.EchoAsync(client, 4, "after restart", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(readyBefore, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(ExternalInspectorRig.Reason(crashed), Is.EqualTo("inspector_unavailable"));
            Assert.That(ExternalInspectorRig.Rule(crashed), Is.EqualTo(ExternalInspectorRig.Name));
            Assert.That(statusWhileDown, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(notReadyWhileDown, Does.Contain("inspector:scripted"));
            Assert.That(ExternalInspectorRig.Reason(whileDown), Is.EqualTo("inspector_unavailable"), "fail closed while it is down");
            Assert.That(list["result"]?["tools"], Is.Not.Null, "frames it did not ask for flow while it is down");
            Assert.That(back, Is.True, "/readyz is ready again once the inspector was restarted");
            Assert.That(ExternalInspectorRig.Text(after), Is.EqualTo("Echo: after restart"));
            Assert.That(rig.Starts, Is.EqualTo(2));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task ToolsCall_InspectorWritesGarbage_RefusedAndInspectorRestarted(CancellationToken cancellationToken)
    {
        await using var rig = await ExternalInspectorRig.StartAsync(ExternalInspectorRig.Scripted(), cancellationToken);
        var (client, _) = await rig.ConnectAsync(cancellationToken);
        await using var _ = client;

        var garbage = await ExternalInspectorRig.EchoAsync(client, 1, "garbage", cancellationToken);
        var restarted = await Eventually.TrueAsync(() => rig.Starts == 2, TimeSpan.FromSeconds(15), cancellationToken);
        var back = await Eventually.TrueAsync(async ct => (await rig.ReadyzAsync(ct)).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(15), cancellationToken);
        var after = await ExternalInspectorRig.EchoAsync(client, 2, "after garbage", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(ExternalInspectorRig.Code(garbage), Is.EqualTo(-31003));
            Assert.That(ExternalInspectorRig.Reason(garbage), Is.EqualTo("inspector_unavailable"));
            Assert.That(restarted && back, Is.True, "a connection that spoke garbage is dropped and the inspector started again");
            Assert.That(ExternalInspectorRig.Text(after), Is.EqualTo("Echo: after garbage"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task ToolsCall_InspectorAnswersWithoutVerdict_RefusedWithProtocolError(CancellationToken cancellationToken)
    {
        await using var rig = await ExternalInspectorRig.StartAsync(ExternalInspectorRig.Scripted(), cancellationToken);
        var (client, _) = await rig.ConnectAsync(cancellationToken);
        await using var _ = client;

        var error = await ExternalInspectorRig.EchoAsync(client, 1, "error", cancellationToken);
        var badVerdict = await ExternalInspectorRig.EchoAsync(client, 2, "bad-verdict", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(ExternalInspectorRig.Reason(error), Is.EqualTo("inspector_protocol_error"));
            Assert.That(ExternalInspectorRig.Reason(badVerdict), Is.EqualTo("inspector_protocol_error"));
            Assert.That(rig.Starts, Is.EqualTo(1), "a wrong answer to one frame does not end the connection");
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task ToolsCall_InspectorStopsReading_CallsRefusedWithinBudgetUnrelatedFramesFlowAndInspectorRestarted(CancellationToken cancellationToken)
    {
        await using var rig = await ExternalInspectorRig.StartAsync(
            ExternalInspectorRig.Scripted(new JsonObject { ["budget"] = "00:00:00.300", ["maxConcurrency"] = 2, ["restartAfterTimeouts"] = 3 }), cancellationToken);
        var (client, _) = await rig.ConnectAsync(cancellationToken);
        await using var _ = client;
        var (other, _) = await rig.ConnectAsync(cancellationToken);
        await using var __ = other;

        var stalled = await ExternalInspectorRig.EchoAsync(client, 1, "stall", cancellationToken);

        // Large frames fill the pipe to the inspector that no longer reads; each still gets its answer within the budget.
        var big = new string('x', 256 * 1024);
        var watch = Stopwatch.StartNew();
        foreach (var (sender, id) in new[] { (client, 10), (other, 11), (client, 12), (other, 13) })
        {
            await sender.SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = "tools/call", ["params"] = ExternalInspectorRig.Echo(big) }, cancellationToken);
        }

        var calls = new[]
        {
            await client.ReadResponseAsync(10, cancellationToken),
            await other.ReadResponseAsync(11, cancellationToken),
            await client.ReadResponseAsync(12, cancellationToken),
            await other.ReadResponseAsync(13, cancellationToken),
        };
        var waited = watch.Elapsed;
        var list = await other.RequestAsync(20, "tools/list", null, cancellationToken);
        var ping = await client.RequestAsync(21, "ping", null, cancellationToken);
        var restarted = await Eventually.TrueAsync(async ct => rig.Starts == 2 && (await rig.ReadyzAsync(ct)).Status == HttpStatusCode.OK, TimeSpan.FromSeconds(15), cancellationToken);
        var after = await ExternalInspectorRig.EchoAsync(other, 30, "after the stall", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(ExternalInspectorRig.Reason(stalled), Is.EqualTo("inspector_timeout"));
            // Refused, each for why it got no verdict: no answer, no free slot, or the inspector dropped for not keeping up.
            Assert.That(calls.Select(ExternalInspectorRig.Reason), Is.All.AnyOf("inspector_timeout", "inspector_busy", "inspector_unavailable"));
            Assert.That(waited, Is.LessThan(TimeSpan.FromSeconds(5)), "no call waits for the stalled inspector beyond its budget");
            Assert.That(list["result"]?["tools"], Is.Not.Null);
            Assert.That(ping["result"], Is.Not.Null);
            Assert.That(restarted, Is.True, "an inspector that stopped keeping up is started again");
            Assert.That(ExternalInspectorRig.Text(after), Is.EqualTo("Echo: after the stall"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task ToolsCall_FailOpenConfigured_PassesAndEachPassIsRecordedWithReason(CancellationToken cancellationToken)
    {
        await using var rig = await ExternalInspectorRig.StartAsync(
            ExternalInspectorRig.Scripted(new JsonObject { ["budget"] = "00:00:00.200", ["onFailure"] = "open" }), cancellationToken, Audit);
        var (client, sessionId) = await rig.ConnectAsync(cancellationToken);
        await using var _ = client;

        var slow = await ExternalInspectorRig.EchoAsync(client, 1, "sleep:1000", cancellationToken);
        var rejected = await ExternalInspectorRig.EchoAsync(client, 2, "reject", cancellationToken);
        var records = await rig.AuditOfAsync(sessionId, cancellationToken);
        var passes = records.Where(r => r.Kind == AuditEventKind.InspectorVerdict).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(ExternalInspectorRig.Text(slow), Is.EqualTo("Echo: sleep:1000"), "passes unchecked");
            Assert.That(ExternalInspectorRig.Reason(rejected), Is.EqualTo("scripted_refusal"), "a verdict it does give still counts");
            Assert.That(passes, Has.Count.EqualTo(1));
            Assert.That(passes[0].Verdict, Is.EqualTo("passed_unchecked"));
            Assert.That(passes[0].Reason, Is.EqualTo("inspector_timeout"));
            Assert.That(passes[0].Inspector, Is.EqualTo(ExternalInspectorRig.Name));
            Assert.That(passes[0].Tool, Is.EqualTo("echo"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Start_InspectorCannotStart_EveryFrameRefusedAndReadyzNamesIt(CancellationToken cancellationToken)
    {
        var missing = new JsonObject
        {
            ["transport"] = "stdio",
            ["command"] = "./no-such-inspector",
            ["helloTimeout"] = "00:00:02",
        };
        await using var rig = await ExternalInspectorRig.StartAsync(missing, cancellationToken);
        await using var client = await RawMcpClient.ConnectAsync(rig.Gateway.Endpoint, cancellationToken);
        var authenticated = await client.AuthenticateAsync(ExternalInspectorRig.Connection, cancellationToken);

        // It never said what it wants, so every frame after authentication waits for it, and fails closed.
        var initialize = await client.RequestAsync(1, "initialize", new JsonObject
        {
            ["protocolVersion"] = "2025-06-18",
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = new JsonObject { ["name"] = "test", ["version"] = "1" },
        }, cancellationToken);
        var (status, notReady) = await rig.ReadyzAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(authenticated["result"], Is.Not.Null, "authentication runs before the middle of the chain");
            Assert.That(ExternalInspectorRig.Reason(initialize), Is.EqualTo("inspector_unavailable"));
            Assert.That(ExternalInspectorRig.Rule(initialize), Is.EqualTo(ExternalInspectorRig.Name));
            Assert.That(status, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(notReady, Does.Contain("inspector:scripted"));
        });
    }
}
