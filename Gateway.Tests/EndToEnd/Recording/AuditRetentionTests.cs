using McpGateway.Core.Configuration;
using McpGateway.Core.Recording;
using McpGateway.Host.Commands;
using McpGateway.Inspectors;
using McpGateway.Inspectors.Recording;
using McpGateway.Tests.EndToEnd.Hostile;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Recording;
using Microsoft.Data.Sqlite;

namespace McpGateway.Tests.EndToEnd.Recording;

/// <summary>
/// <c>audit.retention</c>: the oldest records are purged behind a signed anchor, by <c>mcpgw audit purge</c> and by the
/// running gateway; <c>mcpgw audit verify</c> accepts the purged prefix and still reports tampering anywhere else.
/// </summary>
[TestFixture]
internal sealed class AuditRetentionTests
{
    private string _directory = null!;

    private string DatabasePath => Path.Combine(_directory, "audit.db");

    private string KeyPath => Path.Combine(_directory, "audit-key.pem");

    private string ConfigPath => Path.Combine(_directory, "gateway.json");

    [SetUp]
    public async Task CreateKey()
    {
        _directory = Directory.CreateTempSubdirectory("mcpgw-retention-").FullName;
        var (exit, output) = await RunAsync(["keygen", "--out", KeyPath], CancellationToken.None);
        Assert.That(exit, Is.Zero, output);
    }

    [TearDown]
    public void DeleteDirectory()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await AuditCommand.RunAsync(args, output, error, cancellationToken);
        return (exit, output + error.ToString());
    }

    private Task WriteConfigAsync(string retention) => File.WriteAllTextAsync(ConfigPath, $$"""
        {
          "listen": "127.0.0.1:0",
          "auth": { "mode": "none" },
          "connections": { "files": { "transport": "tcp", "host": "127.0.0.1", "port": 1 } },
          "audit": { "path": "audit.db", "signingKeyFile": "audit-key.pem", "retention": {{retention}} }
        }
        """);

    private async Task TamperAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(SqliteAuditStore.ConnectionString(DatabasePath, SqliteOpenMode.ReadWrite));
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [Test]
    [CancelAfter(30000)]
    public async Task PurgeCommand_MaxRecords_VerifyAcceptsThePurgedPrefixButNotADeletionAfterIt(CancellationToken cancellationToken)
    {
        await using (var store = SqliteAuditStoreTests.Open(DatabasePath))
        {
            for (var n = 1; n <= 40; n++)
            {
                await store.AppendAsync(new AuditRecord { TimeMicros = n, Kind = AuditEventKind.Frame, SessionId = "s", Verdict = "forwarded" }, cancellationToken);
            }

            // The final checkpoint a stopping gateway signs: without one, verify reports the records unvouched.
            using var signer = CheckpointSigner.FromPemFile(KeyPath);
            await store.AppendLinkedCheckpointAsync((sequence, hash, previous) => signer.SignLinked(sequence, hash, 41, previous, CheckpointKind.Stop, TimeSpan.FromSeconds(60)), cancellationToken);
        }

        await WriteConfigAsync("""{ "maxRecords": 10 }""");

        var purge = await RunAsync(["purge", "--config", ConfigPath], cancellationToken);
        var verified = await RunAsync(["verify", "--config", ConfigPath], cancellationToken);
        await TamperAsync("DELETE FROM audit_records WHERE seq = 35", cancellationToken);
        var tampered = await RunAsync(["verify", "--config", ConfigPath], cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(purge, Is.EqualTo((0, "purged 30 records; the chain now starts at record 31 behind a signed anchor\n")));
            Assert.That(verified.Exit, Is.Zero, verified.Output);
            Assert.That(verified.Output, Does.Contain("retention: records before 31 were purged (signed anchor)").And.Contain("10 records, head 40"));
            Assert.That(tampered.Exit, Is.EqualTo(1), tampered.Output);
            Assert.That(tampered.Output, Does.Contain("deleted: record 35"));
        });
    }

    [Test]
    public async Task Load_RetentionWithoutSigningKey_RefusedNamingWhy()
    {
        await File.WriteAllTextAsync(ConfigPath, """
            {
              "auth": { "mode": "none" },
              "connections": { "files": { "transport": "tcp", "host": "127.0.0.1", "port": 1 } },
              "audit": { "retention": { "maxAge": "-1.00:00:00" } }
            }
            """);

        var refused = Assert.Throws<InvalidConfigurationException>(() => GatewayConfiguration.LoadFile(ConfigPath));

        Assert.That(refused!.Errors, Is.SupersetOf(new[]
        {
            "audit.retention.maxAge: must be positive",
            "audit.retention: needs audit.signingKeyFile (a purge is proven by a signed anchor, or verify reports it as deletion)",
        }));
    }

    [Test]
    [CancelAfter(30000)]
    public async Task RunningGateway_PurgeInterval_PurgesWhileServingAndTheStoreStillVerifies(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Echo);
        var settings = GatewayHarness.Settings(GatewayHarness.Tcp("spy", spy.Port)) with
        {
            Audit = new AuditSettings(DatabasePath, AuditSettings.DefaultQueueCapacity, TimeSpan.FromSeconds(1))
            {
                SigningKeyFile = KeyPath,
                Retention = new AuditRetention(null, 8, TimeSpan.FromMilliseconds(200)),
            },
        };
        await using (var gateway = await GatewayHarness.StartAsync(settings, cancellationToken))
        {
            await using var client = await gateway.ConnectAsync(null, cancellationToken);
            long anchored = 0;
            for (var round = 0; round < 2; round++)
            {
                for (var n = 0; n < 10; n++)
                {
                    var pong = await client.RequestAsync($"{round}-{n}", "ping", null, cancellationToken);
                    Assert.That(pong["result"], Is.Not.Null, pong.ToJsonString());
                }

                await using var store = SqliteAuditStoreTests.Open(DatabasePath);
                var before = anchored;
                while ((anchored = (await store.ReadAnchorsAsync(cancellationToken).ToListAsync(cancellationToken)).Select(a => a.Sequence).DefaultIfEmpty().Max()) <= before)
                {
                    await Task.Delay(50, cancellationToken);
                }
            }
        }

        var (exit, output) = await RunAsync(["verify", "--store", DatabasePath, "--public-key", Path.ChangeExtension(KeyPath, ".pub.pem")], cancellationToken);
        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("retention: records before"));
    }
}
