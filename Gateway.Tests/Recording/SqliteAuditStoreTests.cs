using McpGateway.Core.Recording;
using McpGateway.Inspectors.Recording;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Tests.Recording;

/// <summary>The store contract on SQLite, plus what only a file can do: a lock held by another process, and recovery.</summary>
[TestFixture]
internal sealed class SqliteAuditStoreTests : AuditStoreContractTests
{
    private string _directory = null!;

    private string DatabasePath => Path.Combine(_directory, "audit.db");

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mcpgw-audit-").FullName;

    [TearDown]
    public void DeleteDirectory()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    protected override IAuditStore OpenStore() => Open(DatabasePath);

    protected override string Bytes(byte[] value) => $"x'{Convert.ToHexString(value)}'";

    protected override async Task ExecuteSqlAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(SqliteAuditStore.ConnectionString(DatabasePath, SqliteOpenMode.ReadWrite));
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static SqliteAuditStore Open(string path, TimeSpan? enqueueTimeout = null) =>
        new(path, 64, enqueueTimeout ?? TimeSpan.FromSeconds(2), TimeProvider.System, NullLogger.Instance);

    [Test]
    [CancelAfter(30000)]
    public async Task AppendAsync_DatabaseLockedElsewhere_RefusesThenRecoversWhenReleased(CancellationToken cancellationToken)
    {
        await using var store = Open(DatabasePath);
        await store.AppendAsync(Record("s", 1), cancellationToken);

        await using (var other = new SqliteConnection(SqliteAuditStore.ConnectionString(DatabasePath, SqliteOpenMode.ReadWrite)))
        {
            await other.OpenAsync(cancellationToken);
            await using (var begin = other.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE";
                await begin.ExecuteNonQueryAsync(cancellationToken);
            }

            Assert.That(async () => await store.AppendAsync(Record("s", 2), cancellationToken), Throws.InstanceOf<AuditUnavailableException>());
            Assert.Multiple(async () =>
            {
                Assert.That(store.IsAvailable, Is.False);
                Assert.That(await store.ProbeAsync(cancellationToken), Is.False);
            });
        }

        Assert.That(await store.ProbeAsync(cancellationToken), Is.True);
        await store.AppendAsync(Record("s", 3), cancellationToken);
        var verification = await AuditChainVerifier.VerifyAsync(store.ReadAsync(1, cancellationToken), cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(verification.Records, Is.EqualTo(2));
            Assert.That(verification.IsIntact, Is.True, string.Join("; ", verification.Findings));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task OpenStore_WrittenWithTheSessionIndex_IndexDroppedAndTheChainGoesOnIntact(CancellationToken cancellationToken)
    {
        await using (var before = Open(DatabasePath))
        {
            await before.AppendAsync(Record("s", 1), cancellationToken);
        }

        // A store as gateways before this one wrote it: every frame row also went into a per-session index.
        await ExecuteSqlAsync("CREATE INDEX audit_records_session ON audit_records (session_id, seq)", cancellationToken);

        await using var store = Open(DatabasePath);
        await store.AppendAsync(Record("s", 2), cancellationToken);
        await using var connection = new SqliteConnection(SqliteAuditStore.ConnectionString(DatabasePath, SqliteOpenMode.ReadOnly));
        await connection.OpenAsync(cancellationToken);
        await using var indexes = connection.CreateCommand();
        indexes.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_records' AND sql IS NOT NULL";
        var verification = await AuditChainVerifier.VerifyAsync(store.ReadAsync(1, cancellationToken), cancellationToken);
        Assert.Multiple(async () =>
        {
            Assert.That(await indexes.ExecuteScalarAsync(cancellationToken), Is.EqualTo(0L));
            Assert.That(verification.Records, Is.EqualTo(2));
            Assert.That(verification.IsIntact, Is.True, string.Join("; ", verification.Findings));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task AppendAsync_ManyRecords_WriteAheadLogMovedIntoTheDatabaseOffTheWritersPath(CancellationToken cancellationToken)
    {
        await using var store = Open(DatabasePath);
        var payload = new byte[2048];
        await Task.WhenAll(Enumerable.Range(1, 1000).Select(n => store.AppendAsync(Record("s", n) with { Payload = payload }, cancellationToken).AsTask()));

        // SQLite's own checkpoint would wait for 64 Ki pages (256 MiB of log); the records (2 MiB) reach the database
        // file only through the store's checkpointer, which runs every 200 ms.
        while (new FileInfo(DatabasePath).Length < 1000 * payload.Length)
        {
            await Task.Delay(SqliteWalCheckpointer.Interval, cancellationToken);
        }

        var verification = await AuditChainVerifier.VerifyAsync(store.ReadAsync(1, cancellationToken), cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(verification.Records, Is.EqualTo(1000));
            Assert.That(verification.IsIntact, Is.True, string.Join("; ", verification.Findings));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task AppendAsync_RecordsWithAndWithoutOptionalValuesInOneBatch_EachReadsBackAsAppended(CancellationToken cancellationToken)
    {
        // The appender binds only the values a record has; a row after one with more values must not inherit them.
        var appended = Enumerable.Range(1, 200).Select(n => n % 2 == 0
            ? Record("s", n) with { Payload = null, Size = null, PayloadSha256 = null }
            : Record("s", n) with { ClientId = "client-" + n, Groups = "ops", Inspector = "policy:rule", Reason = "blocked_by_policy", ErrorCode = -31003, Payload = [(byte)n] })
            .ToList();
        await using var store = Open(DatabasePath);

        await Task.WhenAll(appended.Select(r => store.AppendAsync(r, cancellationToken).AsTask()));

        var read = await ReadAllAsync(store, cancellationToken);
        var verification = await AuditChainVerifier.VerifyAsync(store.ReadAsync(1, cancellationToken), cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(read.Select(r => r.Record with { Payload = null }), Is.EquivalentTo(appended.Select(r => r with { Payload = null })));
            Assert.That(read.Select(r => r.Record.Payload is null ? -1 : r.Record.Payload[0]), Is.EquivalentTo(appended.Select(r => r.Payload is null ? -1 : r.Payload[0])));
            Assert.That(verification.IsIntact, Is.True, string.Join("; ", verification.Findings));
        });
    }
}
