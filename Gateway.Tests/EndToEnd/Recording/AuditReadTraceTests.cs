using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Core.Recording;
using McpGateway.Host.Commands;
using McpGateway.Inspectors.Recording;
using McpGateway.Tests.EndToEnd.Support;
using Microsoft.Data.Sqlite;

namespace McpGateway.Tests.EndToEnd.Recording;

/// <summary>
/// Reading the audit trail from the command line leaves a trace: <c>mcpgw replay</c> and <c>mcpgw audit query</c> each
/// append an <c>audit_read</c> record naming the operating-system user, the host, the filter and the range, into the
/// same chain a real gateway writes, also while that gateway keeps appending.
/// </summary>
[TestFixture]
internal sealed class AuditReadTraceTests
{
    private string _directory = null!;

    private string StorePath => Path.Combine(_directory, "audit.db");

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mcpgw-audit-read-").FullName;

    [TearDown]
    public void DeleteDirectory()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private GatewaySettings Settings() => GatewayHarness.Settings(GatewayHarness.Everything()) with
    {
        Audit = new AuditSettings(StorePath, AuditSettings.DefaultQueueCapacity, TimeSpan.FromSeconds(2)),
    };

    private async Task<string> ConfigAsync(CancellationToken cancellationToken)
    {
        var config = Path.Combine(_directory, "gateway.json");
        await File.WriteAllTextAsync(config, """
            {
              "listen": "127.0.0.1:0",
              "auth": { "mode": "none" },
              "connections": { "everything": { "transport": "tcp", "host": "127.0.0.1", "port": 1 } },
              "audit": { "path": "audit.db" }
            }
            """, cancellationToken);
        return config;
    }

    private static async Task<string> SessionAsync(GatewayHarness gateway, CancellationToken cancellationToken)
    {
        await using var client = await RawMcpClient.ConnectAsync(gateway.Endpoint, cancellationToken);
        var session = (await client.AuthenticateAsync("everything", cancellationToken))["result"]!["sessionId"]!.GetValue<string>();
        await client.InitializeAsync(cancellationToken);
        var echo = await client.RequestAsync(1, "tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = "hi" } }, cancellationToken);
        Assert.That(echo["result"], Is.Not.Null, echo.ToJsonString());
        return session;
    }

    private async Task<List<StoredAuditRecord>> ReadStoreAsync(CancellationToken cancellationToken)
    {
        var records = new List<StoredAuditRecord>();
        await using var connection = new SqliteConnection(SqliteAuditStore.ConnectionString(StorePath, SqliteOpenMode.ReadOnly));
        await connection.OpenAsync(cancellationToken);
        await foreach (var record in SqliteAuditStore.ReadAllAsync(connection, 1, cancellationToken))
        {
            records.Add(record);
        }

        return records;
    }

    private async Task AssertIntactAsync(CancellationToken cancellationToken)
    {
        using var verify = new StringWriter();
        var exit = await AuditCommand.RunAsync(["verify", "--store", StorePath], verify, verify, cancellationToken);
        Assert.That(exit, Is.Zero, verify.ToString());
        Assert.That(verify.ToString(), Does.Contain("intact"));
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Replay_RecordedSession_AppendsAuditReadWithOsUserSessionAndRangeAndChainStaysIntact(CancellationToken cancellationToken)
    {
        string session;
        await using (var gateway = await GatewayHarness.StartAsync(Settings(), cancellationToken))
        {
            session = await SessionAsync(gateway, cancellationToken);
        }

        var before = await ReadStoreAsync(cancellationToken);
        var sessionRecords = before.Where(r => r.Record.SessionId == session).ToList();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await ReplayCommand.RunAsync([session, "--config", await ConfigAsync(cancellationToken)], output, error, cancellationToken);

        var after = await ReadStoreAsync(cancellationToken);
        Assert.That(exit, Is.Zero, error.ToString());
        Assert.That(after, Has.Count.EqualTo(before.Count + 1), "exactly one record for the read");
        var read = after[^1].Record;
        Assert.Multiple(() =>
        {
            Assert.That(read.Kind, Is.EqualTo(AuditEventKind.AuditRead));
            Assert.That(read.Subject, Is.EqualTo("os:" + Environment.UserName));
            Assert.That(read.Connection, Is.EqualTo("cli"));
            Assert.That(read.RemoteAddress, Is.EqualTo("host:" + Environment.MachineName));
            Assert.That(read.Method, Is.EqualTo("audit/replay"));
            Assert.That(read.Reason, Is.EqualTo($"session={session}: {sessionRecords.Count} records, records {sessionRecords[0].Sequence}-{sessionRecords[^1].Sequence}"));
            var payload = JsonNode.Parse(read.Payload)!;
            Assert.That((string?)payload["scope"]!["session"], Is.EqualTo(session));
            Assert.That((long?)payload["records"], Is.EqualTo(sessionRecords.Count));
            Assert.That(read.SessionId, Is.Not.EqualTo(session), "the read has a session id of its own, so a replay does not mix it in");
        });
        await AssertIntactAsync(cancellationToken);
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Query_WhileTheGatewayKeepsRecording_BothAppendToOneChainThatStaysIntact(CancellationToken cancellationToken)
    {
        var config = await ConfigAsync(cancellationToken);
        await using (var gateway = await GatewayHarness.StartAsync(Settings(), cancellationToken))
        {
            await using var client = await gateway.ConnectAsync("everything", cancellationToken);
            await client.InitializeAsync(cancellationToken);
            for (var round = 1; round <= 3; round++)
            {
                using var output = new StringWriter();
                using var error = new StringWriter();
                var exit = await AuditCommand.RunAsync(["query", "--config", config, "--tool", "echo"], output, error, cancellationToken);
                Assert.That(exit, Is.Zero, error.ToString());

                // The gateway appends after the command's record: it reads the head under the write lock, not from memory.
                var echo = await client.RequestAsync(round, "tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = "m" + round } }, cancellationToken);
                Assert.That(echo["result"], Is.Not.Null, echo.ToJsonString());
            }
        }

        var records = await ReadStoreAsync(cancellationToken);
        var reads = records.Where(r => r.Record.Kind == AuditEventKind.AuditRead).Select(r => r.Record).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(reads, Has.Count.EqualTo(3));
            Assert.That(reads.Select(r => r.Method), Is.All.EqualTo("audit/query"));
            Assert.That(reads.Select(r => r.Reason!.Split(',')[0]), Is.EqualTo(new[] { "tool=echo: 0 records", "tool=echo: 2 records", "tool=echo: 4 records" }));
            Assert.That(records.Where(r => r.Record.Tool == "echo").ToList(), Has.Count.EqualTo(6), "every call after a read was recorded and forwarded");
        });
        await AssertIntactAsync(cancellationToken);
    }
}
