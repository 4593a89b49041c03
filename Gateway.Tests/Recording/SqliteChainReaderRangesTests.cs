using McpGateway.Core.Recording;
using McpGateway.Host.Commands;
using McpGateway.Inspectors.Recording;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Tests.Recording;

/// <summary>
/// <c>mcpgw audit verify</c> on a SQLite store of several batches, which its readers take in ranges on every core: the
/// findings are the ones of one reader and of the general record-by-record path, in sequence order, whichever reader
/// finishes first; gaps in the numbers (a deleted stretch longer than a range, a record moved far past the head) are
/// crossed without reading every number in between.
/// </summary>
[TestFixture]
internal sealed class SqliteChainReaderRangesTests
{
    /// <summary>Three ranges and a bit: 1-4096, 4097-8192, 8193-12288, 12289-12500.</summary>
    private const int Records = (3 * AuditChainBatch.Capacity) + 212;

    private string _directory = null!;

    private string DatabasePath => Path.Combine(_directory, "audit.db");

    [SetUp]
    public async Task CreateStoreOfSeveralBatches()
    {
        _directory = Directory.CreateTempSubdirectory("mcpgw-ranges-").FullName;
        var store = new SqliteAuditStore(DatabasePath, 1024, TimeSpan.FromSeconds(30), TimeProvider.System, NullLogger.Instance) { SyncCommits = false };
        await using (store)
        {
            var batch = new List<AuditRecord>(1000);
            for (var n = 1; n <= Records; n++)
            {
                batch.Add(new AuditRecord
                {
                    TimeMicros = 1_700_000_000_000_000 + n,
                    Kind = AuditEventKind.Frame,
                    SessionId = $"s{n / 100}",
                    Subject = "alice",
                    Direction = n % 2 == 0 ? "client_to_upstream" : "upstream_to_client",
                    FrameSequence = n,
                    Method = "tools/call",
                    Tool = "read_file",
                    Verdict = "forwarded",
                    Payload = System.Text.Encoding.UTF8.GetBytes($"{{\"jsonrpc\":\"2.0\",\"id\":{n},\"method\":\"tools/call\"}}"),
                });
                if (batch.Count == 1000 || n == Records)
                {
                    await ((IAuditBatchSink)store).CommitAsync(batch, CancellationToken.None);
                    batch.Clear();
                }
            }
        }
    }

    [TearDown]
    public void DeleteDirectory()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Verify_UntouchedStoreOfSeveralRanges_IntactWithEveryRecordAndTheHeadsHash(CancellationToken cancellationToken)
    {
        var (exit, output) = await VerifyAsync(cancellationToken);
        var serial = await AuditChainVerifier.VerifyAsync(RecordByRecordAsync(cancellationToken), cancellationToken);

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain($"{Records} records, head {Records} {Convert.ToHexStringLower(serial.HeadHash)}: intact"));
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Verify_TwoRecordsTamperedInFarApartRanges_ReportsTheFirstOneFirst(CancellationToken cancellationToken)
    {
        // The later range is the last and shortest: its reader is done long before the first range's.
        await ExecuteAsync($"UPDATE audit_records SET tool = 'delete_file' WHERE seq IN (17, {Records - 3})", cancellationToken);

        var (exit, output) = await VerifyAsync(cancellationToken);

        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(Findings(output), Is.EqualTo(new[] { "modified: record 17", $"modified: record {Records - 3}" }), output);
    }

    [TestCase("UPDATE audit_records SET tool = 'x' WHERE seq IN (4096, 4097, 8193, 12500)")]
    [TestCase("DELETE FROM audit_records WHERE seq BETWEEN 3000 AND 9000")]
    [TestCase("DELETE FROM audit_records WHERE seq BETWEEN 1 AND 5000")]
    [TestCase("UPDATE audit_records SET seq = 1000000000000 WHERE seq = 12000")]
    [TestCase("UPDATE audit_records SET seq = -seq WHERE seq BETWEEN 4000 AND 4100")]
    [TestCase("UPDATE audit_records SET seq = seq + 100000 WHERE seq > 12400")]
    [TestCase("UPDATE audit_records SET seq = 9223372036854775807 WHERE seq = 12000")]
    [TestCase("UPDATE audit_records SET seq = 9223372036854775707 WHERE seq = 12000")]
    [TestCase("UPDATE audit_records SET seq = 9223372036854775807 WHERE seq = 12500")]
    [CancelAfter(60000)]
    public async Task Verify_TamperedAcrossRanges_SameFindingsAsOneReaderAndAsRecordByRecord(string sql, CancellationToken cancellationToken)
    {
        await ExecuteAsync(sql, cancellationToken);

        var everyCore = await AuditChainVerifier.VerifyAsync(SqliteChainReader.ReadAsync(DatabasePath, 1, 4, cancellationToken), [], [], null, null, cancellationToken);
        var oneReader = await AuditChainVerifier.VerifyAsync(SqliteChainReader.ReadAsync(DatabasePath, 1, 1, cancellationToken), [], [], null, null, cancellationToken);
        var serial = await AuditChainVerifier.VerifyAsync(RecordByRecordAsync(cancellationToken), cancellationToken);

        Assert.That(serial.Findings, Is.Not.Empty);
        Assert.That(Describe(everyCore), Is.EqualTo(Describe(serial)));
        Assert.That(Describe(oneReader), Is.EqualTo(Describe(serial)));
    }

    [Test]
    [CancelAfter(60000)]
    public async Task ReadAsync_StoppedAfterTheFirstBatch_EndsItsReadersAndReleasesTheStore(CancellationToken cancellationToken)
    {
        // A write in the log, so the readers' transactions read from it and a checkpoint that empties it must wait for them.
        await ExecuteAsync("UPDATE audit_records SET tool = tool WHERE seq = 1", cancellationToken);
        await foreach (var batch in SqliteChainReader.ReadAsync(DatabasePath, 1, 2, cancellationToken))
        {
            Assert.That(batch.Sequence(0), Is.EqualTo(1));
            break;
        }

        // The readers' read transactions are over: a writer can take the store and truncate its log.
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        Assert.That(await reader.ReadAsync(cancellationToken), Is.True);
        Assert.That(reader.GetInt32(0), Is.Zero, "the checkpoint was blocked by a reader still open");
    }

    private static string[] Findings(string output) =>
        [.. output.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(l => l.Trim())];

    private static string Describe(AuditVerification verification) =>
        $"{verification.Records} records, head {verification.HeadSequence} {Convert.ToHexStringLower(verification.HeadHash)}: {string.Join("; ", verification.Findings)}";

    private async IAsyncEnumerable<StoredAuditRecord> RecordByRecordAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var store = SqliteAuditStoreTests.Open(DatabasePath);
        await foreach (var record in store.ReadAsync(1, cancellationToken))
        {
            yield return record;
        }
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<(int Exit, string Output)> VerifyAsync(CancellationToken cancellationToken)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await AuditCommand.RunAsync(["verify", "--store", DatabasePath, "--quiet"], output, error, cancellationToken);
        return (exit, output + error.ToString());
    }
}
