using System.Text.Json.Nodes;
using McpGateway.Core.Recording;
using McpGateway.Host.Commands;
using McpGateway.Inspectors.Recording;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace McpGateway.Tests.Recording;

/// <summary>
/// One PostgreSQL store, several logs: the whole store contract (appends, tamper kinds, checkpoints, trees, purges) on a
/// log of its own, plus instances on different logs that neither share a chain nor wait for each other.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class PostgresAuditLogTests : AuditStoreContractTests
{
    private const string Log = "gw-1_a";

    private ThrowawayPostgres? _postgres;

    private string ConnectionString => _postgres!.ConnectionString;

    [OneTimeSetUp]
    public async Task StartPostgres()
    {
        if (!ThrowawayPostgres.IsAvailable)
        {
            Assert.Ignore("PostgreSQL server binaries are not installed; the PostgreSQL audit logs are not tested here");
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        _postgres = await ThrowawayPostgres.StartAsync(timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopPostgres()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    [SetUp]
    public async Task DropLogs()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand(
            """
            DROP TABLE IF EXISTS audit_records, audit_checkpoints, audit_anchors, audit_tree, audit_tree_head;
            DO $$ DECLARE s text; BEGIN
              FOR s IN SELECT nspname FROM pg_namespace WHERE starts_with(nspname, 'mcpgw_audit_') LOOP
                EXECUTE 'DROP SCHEMA ' || quote_ident(s) || ' CASCADE';
              END LOOP;
            END $$;
            """,
            connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>Tampering goes to the log's own tables, as an attacker with the database would.</summary>
    protected override async Task ExecuteSqlAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(PostgresAuditLogs.ConnectionString(ConnectionString, Log));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override string Bytes(byte[] value) => $"'\\x{Convert.ToHexString(value)}'::bytea";

    protected override IAuditStore OpenStore() => OpenLog(Log);

    private PostgresAuditStore OpenLog(string log) =>
        new(ConnectionString, 64, TimeSpan.FromSeconds(2), TimeProvider.System, NullLogger.Instance, logId: log);

    [Test]
    [CancelAfter(30000)]
    public async Task AppendAsync_TwoInstancesOnTheirOwnLogs_TwoIntactChainsEachFromOne(CancellationToken cancellationToken)
    {
        await using var first = OpenLog("gw-a");
        await using var second = OpenLog("gw-b");

        await Task.WhenAll(Enumerable.Range(1, 300).Select(n => (n % 3 == 0 ? first : second).AppendAsync(Record("s" + (n % 3 == 0 ? "a" : "b"), n), cancellationToken).AsTask()));

        var a = await AuditChainVerifier.VerifyAsync(first.ReadAsync(1, cancellationToken), cancellationToken);
        var b = await AuditChainVerifier.VerifyAsync(second.ReadAsync(1, cancellationToken), cancellationToken);
        var sessionsOfA = await first.ReadAsync(1, cancellationToken).Select(r => r.Record.SessionId).Distinct().ToListAsync(cancellationToken);
        Assert.Multiple(async () =>
        {
            Assert.That((a.Records, a.HeadSequence, a.IsIntact), Is.EqualTo((100L, 100L, true)), string.Join("; ", a.Findings));
            Assert.That((b.Records, b.HeadSequence, b.IsIntact), Is.EqualTo((200L, 200L, true)), string.Join("; ", b.Findings));
            Assert.That(sessionsOfA, Is.EqualTo(new[] { "sa" }));
            Assert.That(await PostgresAuditLogs.ListAsync(ConnectionString, cancellationToken), Is.EqualTo(new[] { "gw-a", "gw-b" }));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task AppendAsync_AnotherLogLocked_CommitsWithoutWaiting(CancellationToken cancellationToken)
    {
        await using var blocked = OpenLog("gw-a");
        await using var free = OpenLog("gw-b");
        await blocked.AppendAsync(Record("a", 1), cancellationToken);

        // Another writer holds gw-a's lock (an `audit query` on that instance's host, say) until released.
        await using var holder = new NpgsqlConnection(ConnectionString);
        await holder.OpenAsync(cancellationToken);
        var transaction = await holder.BeginTransactionAsync(cancellationToken);
        await using (var hold = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", holder, transaction) { Parameters = { new() { Value = PostgresAuditLogs.LockKey("gw-a") } } })
        {
            await hold.ExecuteNonQueryAsync(cancellationToken);
        }

        var waiting = blocked.AppendAsync(Record("a", 2), cancellationToken).AsTask();
        await free.AppendAsync(Record("b", 1), cancellationToken);
        var stillWaiting = !waiting.IsCompleted;
        await transaction.RollbackAsync(cancellationToken);
        await waiting;

        var a = await AuditChainVerifier.VerifyAsync(blocked.ReadAsync(1, cancellationToken), cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(stillWaiting, Is.True, "gw-a's append went ahead while its lock was held");
            Assert.That((a.Records, a.IsIntact), Is.EqualTo((2L, true)));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task ListAsync_StoreWrittenBeforeLogs_ItsChainIsTheLegacyLogBesideTheNewOnes(CancellationToken cancellationToken)
    {
        // What a gateway before logs wrote: the one chain in public, under the lock those gateways took.
        await using (var before = new PostgresAuditStore(ConnectionString, 64, TimeSpan.FromSeconds(2), TimeProvider.System, NullLogger.Instance))
        {
            await Task.WhenAll(Enumerable.Range(1, 50).Select(n => before.AppendAsync(Record("old", n), cancellationToken).AsTask()));
        }

        await using var upgraded = OpenLog("gw-a");
        await upgraded.AppendAsync(Record("new", 1), cancellationToken);
        await using var legacy = OpenLog(Core.Configuration.AuditSettings.LegacyLogId);
        await legacy.AppendAsync(Record("old", 51), cancellationToken);

        var old = await AuditChainVerifier.VerifyAsync(legacy.ReadAsync(1, cancellationToken), cancellationToken);
        var logs = await PostgresAuditLogs.ListAsync(ConnectionString, cancellationToken);
        var (head, _) = await upgraded.ReadHeadAsync(cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(logs, Is.EqualTo(new[] { "legacy", "gw-a" }));
            Assert.That((old.Records, old.IsIntact), Is.EqualTo((51L, true)), string.Join("; ", old.Findings));
            Assert.That(head, Is.EqualTo(1));
        });
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Seal_LogOfAnInstanceGoneForGood_VerifiesOnceSealedAndOnlyOnce(CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("mcpgw-seal-").FullName;
        try
        {
            using var keygen = new StringWriter();
            Assert.That(await AuditCommand.RunAsync(["keygen", "--out", Path.Combine(directory, "key.pem")], keygen, keygen, cancellationToken), Is.Zero, keygen.ToString());
            var config = Path.Combine(directory, "gateway.json");
            await File.WriteAllTextAsync(config, new JsonObject
            {
                ["listen"] = "127.0.0.1:0",
                ["auth"] = new JsonObject { ["mode"] = "none" },
                ["connections"] = new JsonObject { ["spy"] = new JsonObject { ["transport"] = "tcp", ["host"] = "127.0.0.1", ["port"] = 9 } },
                ["audit"] = new JsonObject
                {
                    ["store"] = "postgres", ["connectionString"] = ConnectionString, ["logId"] = "gw-a",
                    ["signingKeyFile"] = "key.pem", ["checkpointInterval"] = "00:00:01",
                },
            }.ToJsonString(), cancellationToken);

            // An instance that wrote three records and its start checkpoint ten minutes ago, then died for good.
            var then = (DateTimeOffset.UtcNow.AddMinutes(-10) - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
            await using (var store = OpenLog("gw-a"))
            {
                for (var n = 1; n <= 3; n++)
                {
                    await store.AppendAsync(Record("s", n) with { TimeMicros = then - 1000 + n }, cancellationToken);
                }

                using var signer = CheckpointSigner.FromPemFile(Path.Combine(directory, "key.pem"));
                await store.AppendTreeHeadAsync((head, previous) => signer.SignTreeHead(head, then, previous, CheckpointKind.Start, TimeSpan.FromSeconds(1)), cancellationToken);
            }

            var before = await RunAsync(cancellationToken, "verify", "--config", config);
            var seal = await RunAsync(cancellationToken, "seal", "--config", config, "--log", "gw-a");
            var again = await RunAsync(cancellationToken, "seal", "--config", config, "--log", "gw-a");
            var after = await RunAsync(cancellationToken, "verify", "--config", config);
            var unknown = await RunAsync(cancellationToken, "seal", "--config", config, "--log", "gw-z");
            Assert.Multiple(() =>
            {
                Assert.That(before, Is.EqualTo((1, before.Output)));
                Assert.That(before.Output, Does.Contain("truncated"));
                Assert.That(seal, Is.EqualTo((0, "log gw-a: sealed at record 3 (checkpoint #2, final)\n")));
                Assert.That(again.Exit, Is.EqualTo(1));
                Assert.That(again.Output, Does.Contain("log gw-a left as it is: it is sealed already"));
                Assert.That(after, Is.EqualTo((0, after.Output)));
                Assert.That(after.Output, Does.Contain("audit store postgres log gw-a: 3 records").And.Contain(": intact"));
                Assert.That(unknown.Exit, Is.EqualTo(1));
                Assert.That(unknown.Output, Does.Contain("no log 'gw-z' (its logs: gw-a)"));
            });
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(int Exit, string Output)> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        using var output = new StringWriter();
        var exit = await AuditCommand.RunAsync(args, output, output, cancellationToken);
        return (exit, output.ToString());
    }

    [Test]
    public void LockKey_EachLog_ItsOwnAndTheLegacyChainsOld()
    {
        Assert.Multiple(() =>
        {
            Assert.That(PostgresAuditLogs.LockKey("gw-a"), Is.Not.EqualTo(PostgresAuditLogs.LockKey("gw-b")));
            Assert.That(PostgresAuditLogs.LockKey("legacy"), Is.EqualTo(0x6d63_7067_772d_6175));
        });
    }
}
