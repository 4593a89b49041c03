using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Core.Errors;
using McpGateway.Core.Recording;
using McpGateway.Core.Sessions;
using McpGateway.Inspectors.Recording;
using McpGateway.Tests.EndToEnd.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Tests.EndToEnd.Recording;

/// <summary>A real gateway in front of server-everything, recording into a real SQLite file.</summary>
[TestFixture]
internal sealed class RecordingEndToEndTests
{
    private string _directory = null!;

    private string DatabasePath => Path.Combine(_directory, "audit.db");

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mcpgw-audit-e2e-").FullName;

    [TearDown]
    public void DeleteDirectory()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private GatewaySettings Settings() => GatewayHarness.Settings(GatewayHarness.Everything()) with
    {
        Audit = new AuditSettings(DatabasePath, AuditSettings.DefaultQueueCapacity, TimeSpan.FromSeconds(1)),
    };

    [Test]
    [CancelAfter(30000)]
    public async Task Session_CallsRejectionsAndInvalidInput_EachFrameRecordedOnceInAnIntactChain(CancellationToken cancellationToken)
    {
        await using (var gateway = await GatewayHarness.StartAsync(Settings(), cancellationToken))
        {
            Assert.That(gateway.Application.Chain.Names, Has.No.Member(SessionRecording.StageName), "recording is the session's terminal stage, not an inspector");
            await using (var client = await gateway.ConnectAsync("everything", cancellationToken))
            {
                await client.InitializeAsync(cancellationToken);
                var echo = await client.RequestAsync(10, "tools/call", new JsonObject
                {
                    ["name"] = "echo",
                    ["arguments"] = new JsonObject { ["message"] = "recorded" },
                }, cancellationToken);
                Assert.That(echo["result"], Is.Not.Null, echo.ToJsonString());

                var unknown = await client.RequestAsync(11, "no/such/method", null, cancellationToken);
                Assert.That(unknown["error"]?["code"]?.GetValue<int>(), Is.EqualTo((int)GatewayErrorCode.MethodNotFound));

                await client.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":12,\"method\":\"ping\",\"params\":{\"x\":\"hostile\"},\"params\":{}}", cancellationToken);
                var invalid = await client.ReadResponseAsync(12, cancellationToken);
                Assert.That(invalid["error"], Is.Not.Null);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
        }

        await using var store = SqliteAuditStoreTestsAccess.Open(DatabasePath);
        var records = new List<StoredAuditRecord>();
        await foreach (var record in store.ReadAsync(1, cancellationToken))
        {
            records.Add(record);
        }

        var verification = await AuditChainVerifier.VerifyAsync(store.ReadAsync(1, cancellationToken), cancellationToken);
        var frames = records.Where(r => r.Record.Kind == AuditEventKind.Frame).Select(r => r.Record).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(verification.IsIntact, Is.True, string.Join("; ", verification.Findings));
            Assert.That(records[0].Record.Kind, Is.EqualTo(AuditEventKind.SessionStart));
            Assert.That(records[0].Record.TokenHash, Is.Not.Null.And.Not.Contains("test-token"));
            Assert.That(records[^1].Record.Kind, Is.EqualTo(AuditEventKind.SessionEnd));
            Assert.That(records[^1].Record.Reason, Is.Not.Null);
            Assert.That(frames.Where(f => f.RpcId == "10").Select(f => (f.Direction, f.Verdict)), Is.EquivalentTo(new[]
            {
                ("client_to_upstream", "forwarded"),
                ("upstream_to_client", "forwarded"),
            }));
            Assert.That(frames.Single(f => f.RpcId == "10" && f.Direction == "client_to_upstream").Tool, Is.EqualTo("echo"));
            Assert.That(frames.Where(f => f.RpcId == "11").Select(f => (f.Verdict, f.Reason, f.Payload)), Is.EqualTo(new[] { ("rejected", (string?)"unknown_method", (byte[]?)null) }));
            var hostile = records.Single(r => r.Record.Kind == AuditEventKind.InvalidFrame).Record;
            Assert.That(hostile.Payload, Is.Null);
            Assert.That(hostile.PayloadSha256, Has.Length.EqualTo(64));
            Assert.That(hostile.Reason, Is.EqualTo(GatewayErrors.DuplicateMember.Reason));
            Assert.That(records.Select(r => System.Text.Encoding.UTF8.GetString(r.Record.Payload ?? [])), Has.None.Contains("hostile"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task StoreLocked_RequestsRefusedWith31006_ThenCallsWorkAgainWithoutRestart(CancellationToken cancellationToken)
    {
        await using var gateway = await GatewayHarness.StartAsync(Settings(), cancellationToken);
        await using var client = await gateway.ConnectAsync("everything", cancellationToken);
        await client.InitializeAsync(cancellationToken);

        await using (var other = new SqliteConnection(SqliteAuditStore.ConnectionString(DatabasePath, SqliteOpenMode.ReadWrite)))
        {
            await other.OpenAsync(cancellationToken);
            await using (var begin = other.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE";
                await begin.ExecuteNonQueryAsync(cancellationToken);
            }

            var refused = await client.RequestAsync(20, "tools/call", new JsonObject
            {
                ["name"] = "echo",
                ["arguments"] = new JsonObject { ["message"] = "not recorded" },
            }, cancellationToken);
            Assert.That(refused["error"]?["code"]?.GetValue<int>(), Is.EqualTo((int)GatewayErrorCode.AuditUnavailable), refused.ToJsonString());
            Assert.That(gateway.Application.Services.GetRequiredService<IAuditStore>().IsAvailable, Is.False);
        }

        var echo = await client.RequestAsync(21, "tools/call", new JsonObject
        {
            ["name"] = "echo",
            ["arguments"] = new JsonObject { ["message"] = "recorded again" },
        }, cancellationToken);
        Assert.That(echo["result"], Is.Not.Null, echo.ToJsonString());
    }
}
