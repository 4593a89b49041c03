using System.Text;
using System.Text.Json.Nodes;
using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Core.Hosting;
using McpGateway.Inspectors.Masking;
using McpGateway.Core.Recording;
using McpGateway.Tests.EndToEnd.Hostile;
using McpGateway.Tests.EndToEnd.Support;
using Microsoft.Data.Sqlite;

namespace McpGateway.Tests.EndToEnd.Recording;

/// <summary>
/// Nothing reaches a client outside the chain's tail: every frame a raw client reads after authenticating has exactly one
/// audit record of its session going to the client, whether the upstream sent it (forwarded) or the gateway made it
/// (generated: an upstream timeout, the drain deadline, an upstream that cannot be reached, and whatever an inspector
/// sends through <see cref="IGatewaySession.SendToClientAsync"/>, which is masked like a relayed frame and can only be
/// a notification).
/// </summary>
[TestFixture]
internal sealed class GatewayFramesRecordingTests
{
    /// <summary>An AWS access key id in text an inspector passes on from the upstream: the client and the store see it masked.</summary>
    private const string PlantedKey = "AKIAQ3EGUNB7XKZL2R4P";

    private string _directory = null!;

    private string DatabasePath => Path.Combine(_directory, "audit.db");

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mcpgw-audit-frames-").FullName;

    [TearDown]
    public void DeleteDirectory()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private GatewaySettings Settings(params ConnectionSettings[] connections) => GatewayHarness.Settings(connections) with
    {
        Audit = new AuditSettings(DatabasePath, AuditSettings.DefaultQueueCapacity, TimeSpan.FromSeconds(1)),
    };

    [Test]
    [CancelAfter(20000)]
    public async Task UpstreamTimeout_CallPending_EveryFrameOnTheWireHasOneRecord(CancellationToken cancellationToken)
    {
        var wire = new List<JsonObject>();
        string sessionId;
        await using (var spy = SpyUpstream.Start(SpyBehavior.Hang("initialize", "ping")))
        await using (var gateway = await GatewayHarness.StartAsync(Settings(GatewayHarness.Tcp("spy", spy.Port, TimeSpan.FromMilliseconds(500))), cancellationToken))
        {
            (var client, sessionId) = await ConnectAsync(gateway, cancellationToken);
            await using (client)
            {
                await client.SendAsync("""{"jsonrpc":"2.0","id":"slow","method":"tools/call","params":{"name":"sleep"}}""", cancellationToken);
                wire.Add(await client.ReadAsync(cancellationToken));
            }
        }

        Assert.That(wire[^1]["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-31008), wire[^1].ToJsonString());
        await AssertOneRecordPerFrameAsync(sessionId, wire, expectedGenerated: 1, cancellationToken);
    }

    [Test]
    [CancelAfter(20000)]
    public async Task DrainDeadline_CallPending_EveryFrameOnTheWireHasOneRecord(CancellationToken cancellationToken)
    {
        var wire = new List<JsonObject>();
        string sessionId;
        await using (var spy = SpyUpstream.Start(SpyBehavior.Hang("initialize", "ping")))
        {
            var gateway = await GatewayHarness.StartAsync(Settings(GatewayHarness.Tcp("spy", spy.Port)) with { ShutdownTimeout = TimeSpan.FromMilliseconds(500) }, cancellationToken);
            (var client, sessionId) = await ConnectAsync(gateway, cancellationToken);
            await using (client)
            {
                await client.SendAsync("""{"jsonrpc":"2.0","id":"pending","method":"tools/list"}""", cancellationToken);
                await (await spy.WaitForConnectionAsync(0, cancellationToken)).WaitForLineCountAsync(3, cancellationToken);
                var stopping = gateway.DisposeAsync().AsTask();
                while (await client.ReadLineAsync(cancellationToken) is { } line)
                {
                    wire.Add(JsonNode.Parse(line)!.AsObject());
                }

                await stopping;
            }
        }

        Assert.That(wire.Select(f => f["error"]?["data"]?["reason"]?.GetValue<string>()), Has.Member("gateway_shutting_down"));
        await AssertOneRecordPerFrameAsync(sessionId, wire, expectedGenerated: 1, cancellationToken);
    }

    [Test]
    [CancelAfter(20000)]
    public async Task UpstreamCannotStart_AfterTheSessionBegan_ItsErrorRecordedAsGeneratedBeforeTheSessionEnd(CancellationToken cancellationToken)
    {
        var broken = new StdioConnectionSettings { Name = "broken", Command = "/nonexistent/binary" };
        JsonObject refusal;
        await using (var gateway = await GatewayHarness.StartAsync(Settings(broken), cancellationToken))
        await using (var client = await RawMcpClient.ConnectAsync(gateway.Endpoint, cancellationToken))
        {
            refusal = await client.AuthenticateAsync("broken", cancellationToken);
        }

        var records = await RecordsAsync(cancellationToken);
        Assert.That(refusal["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-31007), refusal.ToJsonString());
        var sessionId = records.Single(r => r.Kind == AuditEventKind.SessionStart).SessionId;
        var correlation = refusal["error"]?["data"]?["correlationId"]?.GetValue<string>();
        var session = records.Where(r => r.SessionId == sessionId).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(session.Select(r => (r.Kind, r.Verdict, r.Reason)), Is.EqualTo(new (AuditEventKind, string?, string?)[]
            {
                (AuditEventKind.SessionStart, null, null),
                (AuditEventKind.Frame, "generated", "upstream_unavailable"),
                (AuditEventKind.SessionEnd, null, "upstream unavailable"),
            }));
            Assert.That((session[1].Direction, session[1].RpcId, session[1].Method, session[1].ErrorCode), Is.EqualTo(("upstream_to_client", "\"auth-1\"", "mcpgateway/authenticate", (int?)-31007)));
            Assert.That(correlation, Is.EqualTo($"{sessionId}:{session[1].FrameSequence}"), "the frame on the wire names its record");
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task MiddleInspectorSendsUpstreamText_ThroughSendToClient_MaskedRecordedAndOnlyThenWritten(CancellationToken cancellationToken)
    {
        var note = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"upstream says key """ + PlantedKey + "\"}}");
        var sent = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var wire = new List<JsonObject>();
        var lines = new List<string>();
        string sessionId;
        await using (var spy = SpyUpstream.Start(SpyBehavior.Echo))
        {
            var settings = Settings(GatewayHarness.Tcp("spy", spy.Port)) with
            {
                Inspectors = ["relay-note"],
                Features = FeatureSettings.Of(MaskingCompiler.Compile(new MaskingOptions(), [])!),
            };
            await using var gateway = await GatewayHarness.StartAsync(settings, cancellationToken, services => services.AddInspector("relay-note", sp => new Chain.RecordingInspector(
                "relay-note", InspectedDirections.UpstreamToClient, f =>
                {
                    if (f.Method == "tools/list")
                    {
                        // Not awaited inside the pump: the note goes out on its own, next to the response.
                        _ = f.Session.SendToClientAsync(note, CancellationToken.None).AsTask().ContinueWith(t => sent.TrySetResult(t.Result), TaskScheduler.Default);
                    }

                    return ValueTask.FromResult(Verdict.Forward);
                })));
            (var client, sessionId) = await ConnectAsync(gateway, cancellationToken);
            await using (client)
            {
                await client.SendAsync("""{"jsonrpc":"2.0","id":7,"method":"tools/list"}""", cancellationToken);
                for (var i = 0; i < 2; i++)
                {
                    var line = (await client.ReadLineAsync(cancellationToken))!;
                    lines.Add(line);
                    wire.Add(JsonNode.Parse(line)!.AsObject());
                }

                Assert.That(await sent.Task.WaitAsync(cancellationToken), Is.True);
            }
        }

        var onWire = lines.Single(l => l.Contains("notifications/message", StringComparison.Ordinal));
        var records = await AssertOneRecordPerFrameAsync(sessionId, wire, expectedGenerated: 1, cancellationToken);
        var recorded = records.Single(r => r.Verdict == "generated");
        Assert.Multiple(() =>
        {
            Assert.That(onWire, Does.Contain("[MASKED:aws_access_key:").And.Not.Contain(PlantedKey), "masked before the client sees it");
            Assert.That((recorded.Method, recorded.MessageKind, recorded.Inspector), Is.EqualTo(("notifications/message", "notification", "gateway")));
            Assert.That(Encoding.UTF8.GetString(recorded.Payload!), Is.EqualTo(onWire), "the record keeps exactly what went on the wire");
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task MiddleInspectorForgesAResponse_ThroughSendToClient_RefusedAndTheClientGetsOnlyTheUpstreamsAnswer(CancellationToken cancellationToken)
    {
        var forged = """{"jsonrpc":"2.0","id":7,"result":{"tools":[{"name":"forged"}]}}"""u8.ToArray();
        var sent = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var wire = new List<JsonObject>();
        string sessionId;
        await using (var spy = SpyUpstream.Start(SpyBehavior.Echo))
        {
            var settings = Settings(GatewayHarness.Tcp("spy", spy.Port)) with { Inspectors = ["forger"] };
            await using var gateway = await GatewayHarness.StartAsync(settings, cancellationToken, services => services.AddInspector("forger", sp => new Chain.RecordingInspector(
                "forger", InspectedDirections.ClientToUpstream, f =>
                {
                    if (f.Method == "tools/list")
                    {
                        _ = f.Session.SendToClientAsync(forged, CancellationToken.None).AsTask().ContinueWith(t => sent.TrySetResult(t.Result), TaskScheduler.Default);
                    }

                    return ValueTask.FromResult(Verdict.Forward);
                })));
            (var client, sessionId) = await ConnectAsync(gateway, cancellationToken);
            await using (client)
            {
                await client.SendAsync("""{"jsonrpc":"2.0","id":7,"method":"tools/list"}""", cancellationToken);
                Assert.That(await sent.Task.WaitAsync(cancellationToken), Is.False, "a frame of the gateway's making may only be a notification");
                wire.Add(await client.ReadAsync(cancellationToken));

                // A ping after it: had the forged answer gone out, it would be read before the pong.
                wire.Add(await client.RequestAsync(8, "ping", null, cancellationToken));
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(wire[^2]["result"]?["echo"]?.GetValue<string>(), Is.EqualTo("tools/list"), wire[^2].ToJsonString());
            Assert.That(wire[^1]["id"]?.GetValue<int>(), Is.EqualTo(8), wire[^1].ToJsonString());
        });
        await AssertOneRecordPerFrameAsync(sessionId, wire, expectedGenerated: 0, cancellationToken);
    }

    [Test]
    [CancelAfter(20000)]
    public async Task HoldingInspectorFails_RequestRefused_ItsErrorOnTheWireHasTheRequestsRejectedRecord(CancellationToken cancellationToken)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        JsonObject refused;
        string sessionId;
        await using (var spy = SpyUpstream.Start(SpyBehavior.Echo))
        {
            var settings = Settings(GatewayHarness.Tcp("spy", spy.Port)) with { Inspectors = ["broken-hold"] };
            await using var gateway = await GatewayHarness.StartAsync(settings, cancellationToken, services => services.AddInspector("broken-hold", sp => new Chain.RecordingInspector(
                "broken-hold", InspectedDirections.ClientToUpstream, f => ValueTask.FromResult(f.Method == "tools/list"
                    ? Verdict.Hold(release.Task.ContinueWith<Verdict>(_ => throw new InvalidOperationException("the holding inspector broke"), TaskScheduler.Default))
                    : Verdict.Forward))));
            (var client, sessionId) = await ConnectAsync(gateway, cancellationToken);
            await using (client)
            {
                await client.SendAsync("""{"jsonrpc":"2.0","id":"held","method":"tools/list"}""", cancellationToken);
                release.SetResult();
                refused = await client.ReadAsync(cancellationToken);
            }
        }

        var records = (await RecordsAsync(cancellationToken)).Where(r => r.SessionId == sessionId && r.RpcId == "\"held\"").ToList();
        Assert.Multiple(() =>
        {
            Assert.That((refused["error"]?["code"]?.GetValue<int>(), refused["error"]?["data"]?["reason"]?.GetValue<string>()), Is.EqualTo(((int?)-31003, "inspector_failed")), refused.ToJsonString());
            Assert.That(records.Select(r => (r.Direction, r.Verdict, r.Inspector, r.Reason)), Is.EqualTo(new[]
            {
                ("client_to_upstream", "rejected", "broken-hold:broken-hold", "inspector_failed"),
            }), "one record for the refused request and the error that answers it");
        });
    }

    /// <summary>A raw client that authenticated and initialized; the initialize response is the first frame on <c>wire</c> callers count.</summary>
    private static async Task<(RawMcpClient Client, string SessionId)> ConnectAsync(GatewayHarness gateway, CancellationToken cancellationToken)
    {
        var client = await RawMcpClient.ConnectAsync(gateway.Endpoint, cancellationToken);
        var authenticated = await client.AuthenticateAsync(null, cancellationToken);
        var sessionId = authenticated["result"]?["sessionId"]?.GetValue<string>() ?? throw new InvalidOperationException(authenticated.ToJsonString());
        await client.InitializeAsync(cancellationToken);
        return (client, sessionId);
    }

    /// <summary>
    /// The frames a client read after its initialize response (plus that response) against the session's records going
    /// to the client: one each, matched by id (or, for a notification, method); <paramref name="expectedGenerated"/> of them the gateway's own.
    /// </summary>
    private async Task<List<AuditRecord>> AssertOneRecordPerFrameAsync(string sessionId, List<JsonObject> wire, int expectedGenerated, CancellationToken cancellationToken)
    {
        var records = (await RecordsAsync(cancellationToken)).Where(r => r.SessionId == sessionId && r.Kind == AuditEventKind.Frame && r.Direction == "upstream_to_client").ToList();
        var framesOnWire = wire.Select(f => f["id"]?.ToJsonString() ?? f["method"]?.GetValue<string>()).Append("0");
        Assert.Multiple(() =>
        {
            Assert.That(records.Select(r => r.RpcId ?? r.Method), Is.EquivalentTo(framesOnWire), "one record per frame on the wire");
            Assert.That(records.Count(r => r.Verdict == "generated"), Is.EqualTo(expectedGenerated));
        });
        return records;
    }

    private async Task<List<AuditRecord>> RecordsAsync(CancellationToken cancellationToken)
    {
        await using var store = SqliteAuditStoreTestsAccess.Open(DatabasePath);
        var verification = await AuditChainVerifier.VerifyAsync(store.ReadAsync(1, cancellationToken), cancellationToken);
        Assert.That(verification.Findings, Is.Empty);
        var records = new List<AuditRecord>();
        await foreach (var stored in store.ReadAsync(1, cancellationToken))
        {
            records.Add(stored.Record);
        }

        return records;
    }
}
