using System.Text;
using System.Text.Json.Nodes;
using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Core.Hosting;
using McpGateway.Core.Recording;
using McpGateway.Tests.EndToEnd.Hostile;
using McpGateway.Tests.EndToEnd.Support;
using Microsoft.Data.Sqlite;

namespace McpGateway.Tests.EndToEnd.Recording;

/// <summary>
/// What the gateway produces itself is recorded too: errors in place of responses that will not come (upstream timeout,
/// upstream exit, drain deadline) and connections refused before their session began; and each frame exactly once.
/// </summary>
[TestFixture]
internal sealed class GatewayAnswersRecordingTests
{
    private string _directory = null!;

    private string DatabasePath => Path.Combine(_directory, "audit.db");

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mcpgw-audit-answers-").FullName;

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

    private static IEnumerable<(string? Direction, string? Verdict, string? Reason)> Frames(List<AuditRecord> records, string rpcId) =>
        records.Where(r => r.Kind == AuditEventKind.Frame && r.RpcId == rpcId).Select(r => (r.Direction, r.Verdict, r.Reason));

    [Test]
    [CancelAfter(20000)]
    public async Task UpstreamHangs_CallTimesOut_RequestForwardedAndTimeoutGeneratedEachRecordedOnce(CancellationToken cancellationToken)
    {
        await using (var spy = SpyUpstream.Start(SpyBehavior.Hang("ping")))
        await using (var gateway = await GatewayHarness.StartAsync(Settings(GatewayHarness.Tcp("spy", spy.Port, TimeSpan.FromMilliseconds(500))), cancellationToken))
        await using (var client = await gateway.ConnectAsync(null, cancellationToken))
        {
            await client.InitializeAsync(cancellationToken);
            var timeout = await client.RequestAsync("slow", "tools/call", new JsonObject { ["name"] = "sleep" }, cancellationToken);
            Assert.That(timeout["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-31008), timeout.ToJsonString());
        }

        var records = await RecordsAsync(cancellationToken);
        var generated = records.Single(r => r.Verdict == "generated" && r.MessageKind == "error");
        var cancelled = records.Single(r => r.Verdict == "generated" && r.Method == "notifications/cancelled");
        Assert.Multiple(() =>
        {
            // The gateway gave up on the call: the upstream was told so, and that frame of the gateway's own is recorded too.
            Assert.That((cancelled.Direction, cancelled.MessageKind, cancelled.Reason, cancelled.Inspector), Is.EqualTo(("client_to_upstream", "notification", "upstream_timeout", "gateway")));
            Assert.That(Frames(records, "\"slow\""), Is.EqualTo(new[]
            {
                ("client_to_upstream", "forwarded", (string?)null),
                ("upstream_to_client", "generated", "upstream_timeout"),
            }));
            Assert.That((generated.ErrorCode, generated.MessageKind, generated.Method, generated.Tool, generated.Inspector), Is.EqualTo((-31008, "error", "tools/call", "sleep", "gateway")));
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task UpstreamDies_TwoCallsPending_OneGeneratedExitRecordEach(CancellationToken cancellationToken)
    {
        await using (var spy = SpyUpstream.Start(SpyBehavior.Die(afterRequests: 2, "ping")))
        await using (var gateway = await GatewayHarness.StartAsync(Settings(GatewayHarness.Tcp("spy", spy.Port)), cancellationToken))
        await using (var client = await gateway.ConnectAsync(null, cancellationToken))
        {
            await client.InitializeAsync(cancellationToken);
            await client.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""", cancellationToken);
            await client.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"resources/list"}""", cancellationToken);
            var first = await client.ReadAsync(cancellationToken);
            var second = await client.ReadAsync(cancellationToken);
            Assert.That(new[] { first, second }.Select(e => e["error"]?["code"]?.GetValue<int>()), Is.All.EqualTo(-31007));
        }

        var records = await RecordsAsync(cancellationToken);
        Assert.Multiple(() =>
        {
            foreach (var id in new[] { "1", "2" })
            {
                Assert.That(Frames(records, id), Is.EqualTo(new[]
                {
                    ("client_to_upstream", "forwarded", (string?)null),
                    ("upstream_to_client", "generated", "upstream_exited"),
                }), id);
            }

            Assert.That(records[^1].Kind, Is.EqualTo(AuditEventKind.SessionEnd));
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task DrainDeadline_CallPending_ShuttingDownGeneratedBeforeTheSessionEnd(CancellationToken cancellationToken)
    {
        await using (var spy = SpyUpstream.Start(SpyBehavior.Hang("ping")))
        {
            var gateway = await GatewayHarness.StartAsync(Settings(GatewayHarness.Tcp("spy", spy.Port)) with { ShutdownTimeout = TimeSpan.FromMilliseconds(500) }, cancellationToken);
            await using var client = await gateway.ConnectAsync(null, cancellationToken);
            await client.InitializeAsync(cancellationToken);
            await client.SendAsync("""{"jsonrpc":"2.0","id":"pending","method":"tools/list"}""", cancellationToken);
            await (await spy.WaitForConnectionAsync(0, cancellationToken)).WaitForTrafficCountAsync(1, cancellationToken);

            var stopping = gateway.DisposeAsync().AsTask();
            var answer = await client.ReadAsync(cancellationToken);
            await stopping;
            Assert.That(answer["error"]?["data"]?["reason"]?.GetValue<string>(), Is.EqualTo("gateway_shutting_down"), answer.ToJsonString());
        }

        var records = await RecordsAsync(cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(Frames(records, "\"pending\""), Is.EqualTo(new[]
            {
                ("client_to_upstream", "forwarded", (string?)null),
                ("upstream_to_client", "generated", "gateway_shutting_down"),
            }));
            Assert.That(records.FindIndex(r => r.Verdict == "generated"), Is.LessThan(records.FindIndex(r => r.Kind == AuditEventKind.SessionEnd)));
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task RefusedBeforeSession_HostileFirstFramesAndUnknownConnection_RecordedWithHashesOnly(CancellationToken cancellationToken)
    {
        const string Token = "secret-token-never-stored";
        const string Hostile = "HOSTILE-BYTES-NEVER-STORED";
        await using (var spy = SpyUpstream.Start(SpyBehavior.Echo))
        await using (var gateway = await GatewayHarness.StartAsync(Settings(GatewayHarness.Tcp("spy", spy.Port)), cancellationToken))
        {
            await using (var notFirst = await RawMcpClient.ConnectAsync(gateway.Endpoint, cancellationToken))
            {
                var refused = await notFirst.RequestAsync(1, "tools/list", new JsonObject { ["x"] = Hostile }, cancellationToken);
                Assert.That(refused["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-31001));
            }

            await using (var broken = await RawMcpClient.ConnectAsync(gateway.Endpoint, cancellationToken))
            {
                await broken.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"mcpgateway/authenticate\",\"params\":{\"token\":\"" + Hostile + "\"},\"id\":2}", cancellationToken);
                Assert.That((await broken.ReadAsync(cancellationToken))["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-31001));
            }

            await using (var unknown = await RawMcpClient.ConnectAsync(gateway.Endpoint, cancellationToken))
            {
                var refused = await unknown.AuthenticateAsync("no-such-connection", cancellationToken, Token);
                Assert.That(refused["error"], Is.Not.Null, refused.ToJsonString());
            }
        }

        var records = await RecordsAsync(cancellationToken);
        var refusals = records.Where(r => r.Kind == AuditEventKind.SessionRefused).ToList();
        var fileBytes = Encoding.UTF8.GetString(await File.ReadAllBytesAsync(DatabasePath, cancellationToken));
        Assert.Multiple(() =>
        {
            Assert.That(refusals.Select(r => (r.Reason, r.ErrorCode)), Is.EqualTo(new (string?, int?)[]
            {
                ("unauthenticated", -31001),
                ("unauthenticated", -31001),
                ("unknown_connection", -31001),
            }));
            Assert.That(refusals.Select(r => r.SessionId).Distinct().Count(), Is.EqualTo(3));
            Assert.That(refusals, Has.All.Matches<AuditRecord>(r => r.Payload is null && r.RemoteAddress is not null && r.PayloadSha256 is { Length: 64 }));
            Assert.That(refusals[2].TokenHash, Does.StartWith("sha256:"));
            Assert.That(refusals[2].Subject, Is.EqualTo("anonymous"));
            Assert.That(records.Where(r => r.Kind == AuditEventKind.SessionStart), Is.Empty);
            Assert.That(fileBytes, Does.Not.Contain(Token).And.Not.Contain(Hostile));
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task ReplacedFrameChangesItsId_RejectedByTheChain_RecordedOnceAsRejectedNeverAsForwarded(CancellationToken cancellationToken)
    {
        var swapped = """{"jsonrpc":"2.0","id":999,"method":"tools/list"}"""u8.ToArray();
        await using (var spy = SpyUpstream.Start(SpyBehavior.Echo))
        {
            var settings = Settings(GatewayHarness.Tcp("spy", spy.Port)) with { Inspectors = ["swap-id"] };
            await using var gateway = await GatewayHarness.StartAsync(settings, cancellationToken, services => services.AddInspector("swap-id", _ => new Chain.RecordingInspector(
                "swap-id", InspectedDirections.ClientToUpstream, f => ValueTask.FromResult(f.Method == "tools/list" ? Verdict.Replace(swapped) : Verdict.Forward))));
            await using var client = await gateway.ConnectAsync(null, cancellationToken);
            await client.InitializeAsync(cancellationToken);
            var refused = await client.RequestAsync(5, "tools/list", null, cancellationToken);
            var pong = await client.RequestAsync(6, "ping", null, cancellationToken);
            Assert.That(refused["error"]?["data"]?["rule"]?.GetValue<string>(), Is.EqualTo("swap-id"), refused.ToJsonString());
            Assert.That(pong["result"], Is.Not.Null, pong.ToJsonString());
            Assert.That((await spy.WaitForConnectionAsync(0, cancellationToken)).Traffic.Select(l => l.RawId), Is.EqualTo(new[] { "6" }));
        }

        var records = await RecordsAsync(cancellationToken);
        var rejected = records.Single(r => r.RpcId == "5");
        Assert.Multiple(() =>
        {
            Assert.That((rejected.Verdict, rejected.Inspector, rejected.Reason), Is.EqualTo(("rejected", "swap-id:swap-id", "inspector_failed")));
            Assert.That(rejected.Payload, Is.Null);
        });
    }
}
