using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Core.Recording;
using McpGateway.Host.Commands;
using McpGateway.Inspectors.Recording;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace McpGateway.Tests.EndToEnd.Recording;

/// <summary>
/// An attacker with write access to the SQLite store of a real gateway (signing checkpoints, a session through
/// server-everything) edits it with plain SQL and the public chain code, and removes the checkpoint rows that would
/// give the edit away. <c>mcpgw audit verify</c>, run later by an auditor with the public key (and the anchors kept
/// outside the store), must not say intact.
/// </summary>
[TestFixture]
internal sealed class CheckpointTamperTests
{
    private string _directory = null!;
    private string _anchors = null!;
    private string _publicKey = null!;
    private string _privateKey = null!;

    private string StorePath => Path.Combine(_directory, "audit.db");

    private string AnchorFile => Path.Combine(_anchors, "checkpoints.jsonl");

    [SetUp]
    public async Task CreateKeyAsync()
    {
        _directory = Directory.CreateTempSubdirectory("mcpgw-tamper-").FullName;
        _anchors = Directory.CreateTempSubdirectory("mcpgw-tamper-anchor-").FullName;
        _privateKey = Path.Combine(_directory, "audit-key.pem");
        _publicKey = Path.Combine(_directory, "audit-key.pub.pem");
        using var keygen = new StringWriter();
        Assert.That(await AuditCommand.RunAsync(["keygen", "--out", _privateKey], keygen, keygen), Is.Zero, keygen.ToString());
    }

    [TearDown]
    public void DeleteDirectories()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        Directory.Delete(_anchors, recursive: true);
    }

    /// <summary>A session of a few calls through a gateway that signs checkpoints every second and copies them to <paramref name="anchors"/>.</summary>
    private async Task RecordSessionAsync(string[] anchors, CancellationToken cancellationToken)
    {
        var settings = GatewayHarness.Settings(GatewayHarness.Everything()) with
        {
            Audit = new AuditSettings(StorePath, AuditSettings.DefaultQueueCapacity, TimeSpan.FromSeconds(2))
            {
                SigningKeyFile = _privateKey,
                CheckpointInterval = TimeSpan.FromSeconds(1),
                Anchors = anchors,
            },
        };
        await using var gateway = await GatewayHarness.StartAsync(settings, cancellationToken);
        await using var client = await gateway.ConnectAsync("everything", cancellationToken);
        await client.InitializeAsync(cancellationToken);
        for (var i = 1; i <= 4; i++)
        {
            var echo = await client.RequestAsync(i, "tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = "call " + i } }, cancellationToken);
            Assert.That(echo["result"], Is.Not.Null, echo.ToJsonString());
        }
    }

    private async Task<(int Exit, string Output)> VerifyAsync(TimeSpan later, CancellationToken cancellationToken, params string[] extra)
    {
        using var output = new StringWriter();
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow + later);
        var exit = await AuditCommand.RunAsync(["verify", "--store", StorePath, "--public-key", _publicKey, .. extra], output, output, clock, cancellationToken);
        await TestContext.Out.WriteLineAsync(output.ToString());
        return (exit, output.ToString());
    }

    private async Task<(List<StoredAuditRecord> Records, List<AuditCheckpoint> Checkpoints)> ReadAsync(CancellationToken cancellationToken)
    {
        var records = new List<StoredAuditRecord>();
        await using var connection = new SqliteConnection(SqliteAuditStore.ConnectionString(StorePath, SqliteOpenMode.ReadOnly));
        await connection.OpenAsync(cancellationToken);
        await foreach (var record in SqliteAuditStore.ReadAllAsync(connection, 1, cancellationToken))
        {
            records.Add(record);
        }

        return (records, await SqliteAuditStore.ReadCheckpointsAsync(connection, cancellationToken));
    }

    private async Task TamperAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(SqliteAuditStore.ConnectionString(StorePath, SqliteOpenMode.ReadWrite));
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Removes the last three records and every checkpoint row vouching for them; returns the new head.</summary>
    private async Task<(long Cut, long Head)> TruncateTailAsync(bool everyCheckpoint, CancellationToken cancellationToken)
    {
        var (records, checkpoints) = await ReadAsync(cancellationToken);
        var head = records[^1].Sequence;
        Assert.That(checkpoints[^1].Sequence, Is.EqualTo(head), "the final checkpoint covers the head");
        var cut = head - 3;
        await TamperAsync(string.Create(CultureInfo.InvariantCulture, $"DELETE FROM audit_records WHERE seq > {cut}; DELETE FROM audit_checkpoints WHERE {(everyCheckpoint ? "1 = 1" : $"seq > {cut}")};"), cancellationToken);
        return (cut, head);
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Verify_TailRecordsAndTheirCheckpointsDeleted_ReportsTruncatedAndExitsOne(CancellationToken cancellationToken)
    {
        await RecordSessionAsync([], cancellationToken);
        var untouched = await VerifyAsync(TimeSpan.FromHours(1), cancellationToken);
        Assert.That(untouched.Exit, Is.Zero, "an hour later, a store that ends on the final checkpoint is intact: " + untouched.Output);

        var (cut, _) = await TruncateTailAsync(everyCheckpoint: false, cancellationToken);
        var (exit, output) = await VerifyAsync(TimeSpan.FromHours(1), cancellationToken);

        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain($"truncated: records from {cut + 1} on (the last checkpoint, #"));
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Verify_MiddleRecordDeletedRestRehashedLaterCheckpointsDropped_ReportsAndExitsOne(CancellationToken cancellationToken)
    {
        await RecordSessionAsync([], cancellationToken);
        var (records, _) = await ReadAsync(cancellationToken);
        var deleted = records[records.Count / 2].Sequence;

        // Renumber the records after it down by one and recompute their hashes with the public chain code.
        var sql = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"DELETE FROM audit_records WHERE seq = {deleted}; DELETE FROM audit_checkpoints WHERE seq >= {deleted};"));
        var previous = records.Single(r => r.Sequence == deleted - 1).Hash;
        foreach (var stored in records.Where(r => r.Sequence > deleted))
        {
            var sequence = stored.Sequence - 1;
            var hash = AuditHashChain.Compute(previous, sequence, stored.Record);
            sql.Append(CultureInfo.InvariantCulture, $"UPDATE audit_records SET seq = {sequence}, prev_hash = x'{Convert.ToHexString(previous)}', hash = x'{Convert.ToHexString(hash)}' WHERE seq = {stored.Sequence};");
            previous = hash;
        }

        await TamperAsync(sql.ToString(), cancellationToken);
        var withoutKey = new StringWriter();
        Assert.That(await AuditCommand.RunAsync(["verify", "--store", StorePath], withoutKey, withoutKey, cancellationToken), Is.Zero, "the chain itself is consistent again: " + withoutKey);

        var (exit, output) = await VerifyAsync(TimeSpan.FromHours(1), cancellationToken);

        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("truncated: records from").Or.Contain("checkpoints_missing: records 1-"));
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Verify_EveryCheckpointRowAndTheTailDeleted_TheAnchorFileNamesTheTruncatedRange(CancellationToken cancellationToken)
    {
        await RecordSessionAsync([AnchorFile], cancellationToken);
        var (cut, head) = await TruncateTailAsync(everyCheckpoint: true, cancellationToken);

        var (exit, output) = await VerifyAsync(TimeSpan.Zero, cancellationToken, "--anchors", AnchorFile);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(1), output);
            Assert.That(output, Does.Contain($"anchor {AnchorFile}: "));
            Assert.That(output, Does.Contain($"truncated: records {cut + 1}-{head}\n"));
            Assert.That(output, Does.Contain("is in an anchor but not in the store"));
        });
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Verify_AnchorFileOfAnUntouchedStore_Intact(CancellationToken cancellationToken)
    {
        await RecordSessionAsync([AnchorFile], cancellationToken);

        var (exit, output) = await VerifyAsync(TimeSpan.FromDays(1), cancellationToken, "--anchors", AnchorFile);

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("intact").And.Not.Contain("warning"));
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Verify_HttpAnchorThatRefusedFirst_RetriedAndItsCopyNamesTheTruncatedRange(CancellationToken cancellationToken)
    {
        await using var collector = await AnchorCollector.StartAsync(failures: 1, cancellationToken);
        await RecordSessionAsync([collector.Url.ToString()], cancellationToken);
        var (_, checkpoints) = await ReadAsync(cancellationToken);
        Assert.That(collector.Lines, Has.Count.EqualTo(checkpoints.Count), "every checkpoint reached the collector, the refused one on a retry");
        Assert.That(collector.Refused, Is.EqualTo(1));
        var (cut, head) = await TruncateTailAsync(everyCheckpoint: true, cancellationToken);

        var (exit, output) = await VerifyAsync(TimeSpan.Zero, cancellationToken, "--anchors", collector.Url.ToString());

        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain($"truncated: records {cut + 1}-{head}\n"));
    }
}
