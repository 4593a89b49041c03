using McpGateway.Core.Recording;
using McpGateway.Inspectors.Recording;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace McpGateway.Tests.Recording;

/// <summary>The store contract on a real throwaway PostgreSQL cluster, plus two instances appending to one chain.</summary>
[TestFixture]
[NonParallelizable]
internal sealed class PostgresAuditStoreTests : AuditStoreContractTests
{
    private ThrowawayPostgres? _postgres;

    private string ConnectionString => _postgres!.ConnectionString;

    [OneTimeSetUp]
    public async Task StartPostgres()
    {
        _postgres = await ThrowawayPostgres.StartOrIgnoreAsync("the PostgreSQL audit store");
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
    public async Task EmptyTables()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand("DROP TABLE IF EXISTS audit_records; DROP TABLE IF EXISTS audit_checkpoints; DROP TABLE IF EXISTS audit_anchors; DROP TABLE IF EXISTS audit_tree; DROP TABLE IF EXISTS audit_tree_head;", connection);
        await drop.ExecuteNonQueryAsync();
    }

    protected override async Task ExecuteSqlAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override string Bytes(byte[] value) => $"'\\x{Convert.ToHexString(value)}'::bytea";

    protected override IAuditStore OpenStore() =>
        new PostgresAuditStore(ConnectionString, 64, TimeSpan.FromSeconds(2), TimeProvider.System, NullLogger.Instance);

    [Test]
    [CancelAfter(30000)]
    public async Task AppendAsync_TwoInstancesAtOnce_OneIntactChain(CancellationToken cancellationToken)
    {
        await using var first = (PostgresAuditStore)OpenStore();
        await using var second = (PostgresAuditStore)OpenStore();

        await Task.WhenAll(Enumerable.Range(1, 200).Select(n => (n % 2 == 0 ? first : second).AppendAsync(Record("s", n), cancellationToken).AsTask()));

        var verification = await AuditChainVerifier.VerifyAsync(first.ReadAsync(1, cancellationToken), cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(verification.Records, Is.EqualTo(200));
            Assert.That(verification.IsIntact, Is.True, string.Join("; ", verification.Findings));
        });
    }
}
