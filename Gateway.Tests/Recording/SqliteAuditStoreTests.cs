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
}
