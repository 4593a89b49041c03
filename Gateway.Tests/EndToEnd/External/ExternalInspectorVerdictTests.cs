using System.Text.Json.Nodes;
using McpGateway.Core.Recording;
using McpGateway.Tests.EndToEnd.Support;

namespace McpGateway.Tests.EndToEnd.External;

/// <summary>
/// An out-of-process inspector's verdicts as a client sees them through the real listener, in front of server-everything,
/// with recording on: forward, reject, replace (re-verified by the chain), what it is told about the session, and that
/// frames it did not ask for never reach it.
/// </summary>
[TestFixture]
internal sealed class ExternalInspectorVerdictTests
{
    private ExternalInspectorRig _rig = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        _rig = await ExternalInspectorRig.StartAsync(ExternalInspectorRig.Scripted(), timeout.Token, new JsonObject { ["audit"] = new JsonObject { ["path"] = "audit.db" } });
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _rig.DisposeAsync();

    [Test]
    public void Describe_ExternalInspectorNamedInInspectors_RunsInTheMiddleBeforeRecording()
    {
        Assert.That(_rig.Gateway.Application.Chain.Describe(), Does.StartWith("client->upstream: authentication > scripted\n"));
    }

    [Test]
    [CancelAfter(20000)]
    public async Task ToolsCall_InspectorForwards_UpstreamAnswers(CancellationToken cancellationToken)
    {
        var (client, _) = await _rig.ConnectAsync(cancellationToken);
        await using var _ = client;

        var response = await ExternalInspectorRig.EchoAsync(client, 1, "hello there", cancellationToken);

        Assert.That(ExternalInspectorRig.Text(response), Is.EqualTo("Echo: hello there"));
    }

    [Test]
    [CancelAfter(20000)]
    public async Task ToolsCall_InspectorRejects_ClientGetsForbiddenWithReasonAndRuleAndRecordNamesInspector(CancellationToken cancellationToken)
    {
        var (client, sessionId) = await _rig.ConnectAsync(cancellationToken);
        await using var _ = client;

        var response = await ExternalInspectorRig.EchoAsync(client, 1, "reject", cancellationToken);
        var records = await _rig.AuditOfAsync(sessionId, cancellationToken);
        var call = records.Single(r => r.Kind == AuditEventKind.Frame && r.Tool == "echo");

        Assert.Multiple(() =>
        {
            Assert.That(ExternalInspectorRig.Code(response), Is.EqualTo(-31003));
            Assert.That(ExternalInspectorRig.Reason(response), Is.EqualTo("scripted_refusal"));
            Assert.That(ExternalInspectorRig.Rule(response), Is.EqualTo(ExternalInspectorRig.Name));
            Assert.That(call.Verdict, Is.EqualTo("rejected"));
            Assert.That(call.Inspector, Does.StartWith(ExternalInspectorRig.Name));
            Assert.That(call.Reason, Is.EqualTo("scripted_refusal"));
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task ToolsCall_InspectorReplaces_UpstreamGetsReplacementAndReplacementIsRecordedWithInspectorName(CancellationToken cancellationToken)
    {
        var (client, sessionId) = await _rig.ConnectAsync(cancellationToken);
        await using var _ = client;

        var response = await ExternalInspectorRig.EchoAsync(client, 1, "replace", cancellationToken);
        var records = await _rig.AuditOfAsync(sessionId, cancellationToken);
        var verdict = records.Single(r => r.Kind == AuditEventKind.InspectorVerdict);
        var call = records.Single(r => r.Kind == AuditEventKind.Frame && r.Tool == "echo" && r.Direction == "client_to_upstream");

        Assert.Multiple(() =>
        {
            Assert.That(ExternalInspectorRig.Text(response), Is.EqualTo("Echo: replaced by inspector"));
            Assert.That(verdict.Verdict, Is.EqualTo("replaced"));
            Assert.That(verdict.Inspector, Is.EqualTo(ExternalInspectorRig.Name));
            Assert.That(verdict.FrameSequence, Is.EqualTo(call.FrameSequence));
            Assert.That(call.Verdict, Is.EqualTo("replaced"));
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task ToolsCall_ReplacementChangesId_ChainRefusesItAsInspectorFailed(CancellationToken cancellationToken)
    {
        var (client, _) = await _rig.ConnectAsync(cancellationToken);
        await using var _ = client;

        var response = await ExternalInspectorRig.EchoAsync(client, 1, "break-envelope", cancellationToken);
        var next = await ExternalInspectorRig.EchoAsync(client, 2, "still here", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(ExternalInspectorRig.Code(response), Is.EqualTo(-31003));
            Assert.That(ExternalInspectorRig.Reason(response), Is.EqualTo("inspector_failed"));
            Assert.That(ExternalInspectorRig.Rule(response), Is.EqualTo(ExternalInspectorRig.Name));
            Assert.That(ExternalInspectorRig.Text(next), Is.EqualTo("Echo: still here"));
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task ToolsCall_InspectCall_CarriesSessionIdentityAndEnvelopeButNoToken(CancellationToken cancellationToken)
    {
        var client = await RawMcpClient.ConnectAsync(_rig.Gateway.Endpoint, cancellationToken);
        await using var _ = client;
        var authenticated = await client.AuthenticateAsync(ExternalInspectorRig.Connection, cancellationToken, token: "secret-token-value");
        var sessionId = (string)authenticated["result"]!["sessionId"]!;
        await client.InitializeAsync(cancellationToken);

        var response = await ExternalInspectorRig.EchoAsync(client, "call-7", "whoami", cancellationToken);
        var text = ExternalInspectorRig.Text(response)!;
        var seen = JsonNode.Parse(text["Echo: ".Length..])!;

        Assert.Multiple(() =>
        {
            Assert.That((string?)seen["session"]!["id"], Is.EqualTo(sessionId));
            Assert.That((string?)seen["session"]!["subject"], Is.EqualTo("anonymous"));
            Assert.That((string?)seen["session"]!["connection"], Is.EqualTo(ExternalInspectorRig.Connection));
            Assert.That(seen["session"]!["groups"], Is.InstanceOf<JsonArray>());
            Assert.That((string?)seen["tool"], Is.EqualTo("echo"));
            Assert.That((string?)seen["method"], Is.EqualTo("tools/call"));
            Assert.That((string?)seen["kind"], Is.EqualTo("request"));
            Assert.That((string?)seen["direction"], Is.EqualTo("clientToUpstream"));
            Assert.That((string?)seen["id"], Is.EqualTo("call-7"));
            Assert.That(text, Does.Not.Contain("secret-token-value"));
            Assert.That(text, Does.Not.Contain("token"));
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task ToolsList_NotAskedFor_NeverReachesInspector(CancellationToken cancellationToken)
    {
        // The scripted inspector crashes on any frame whose echo message is "crash": sent in a tools/list, which it
        // did not ask for, the frame never reaches it, so it is still running with the same process afterwards.
        var (client, _) = await _rig.ConnectAsync(cancellationToken);
        await using var _ = client;
        var startsBefore = _rig.Starts;

        var list = await client.RequestAsync(1, "tools/list", new JsonObject { ["arguments"] = new JsonObject { ["message"] = "crash" } }, cancellationToken);
        var call = await ExternalInspectorRig.EchoAsync(client, 2, "after the list", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(list["result"]?["tools"], Is.Not.Null);
            Assert.That(ExternalInspectorRig.Text(call), Is.EqualTo("Echo: after the list"));
            Assert.That(_rig.Starts, Is.EqualTo(startsBefore));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task ToolsCall_ManySessionsAtOnce_EachGetsItsOwnVerdictOverOneConnection(CancellationToken cancellationToken)
    {
        var clients = new List<RawMcpClient>();
        try
        {
            for (var i = 0; i < 6; i++)
            {
                clients.Add((await _rig.ConnectAsync(cancellationToken)).Client);
            }

            var startsBefore = _rig.Starts;
            var calls = clients.Select((c, i) => ExternalInspectorRig.EchoAsync(c, 1, i % 2 == 0 ? $"sleep:100" : "reject", cancellationToken)).ToArray();
            var responses = await Task.WhenAll(calls);

            Assert.Multiple(() =>
            {
                for (var i = 0; i < responses.Length; i++)
                {
                    Assert.That(i % 2 == 0 ? ExternalInspectorRig.Text(responses[i]) : ExternalInspectorRig.Reason(responses[i]), Is.EqualTo(i % 2 == 0 ? "Echo: sleep:100" : "scripted_refusal"), $"session {i}");
                }

                Assert.That(_rig.Starts, Is.EqualTo(startsBefore), "one inspector process serves every session");
            });
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Test]
    [CancelAfter(60000)]
    public async Task ToolsCall_TwoInspectors_EachSupervisedAndAskedInChainOrder(CancellationToken cancellationToken)
    {
        // The configuration hands the entries back sorted by name; the chain keeps the order of the inspectors list.
        await using var rig = await ExternalInspectorRig.StartManyAsync(new JsonObject
        {
            ["z-first"] = ExternalInspectorRig.Scripted(),
            ["a-second"] = ExternalInspectorRig.Scripted(),
        }, cancellationToken);
        var (client, _) = await rig.ConnectAsync(cancellationToken);
        await using var _ = client;

        var (status, notReady) = await rig.ReadyzAsync(cancellationToken);
        var rejected = await ExternalInspectorRig.EchoAsync(client, 1, "reject", cancellationToken);
        var passed = await ExternalInspectorRig.EchoAsync(client, 2, "both forward", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(System.Net.HttpStatusCode.OK), string.Join(", ", notReady));
            Assert.That(rig.Starts, Is.EqualTo(2), "each inspector has its own process");
            Assert.That(ExternalInspectorRig.Rule(rejected), Is.EqualTo("z-first"), "the first in the inspectors list decides first");
            Assert.That(ExternalInspectorRig.Text(passed), Is.EqualTo("Echo: both forward"));
        });
    }
}
