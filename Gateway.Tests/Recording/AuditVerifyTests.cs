using McpGateway.Core.Recording;
using McpGateway.Host.Commands;
using Microsoft.Data.Sqlite;

namespace McpGateway.Tests.Recording;

/// <summary><c>mcpgw audit verify</c> against a real SQLite store edited with plain SQL, as an attacker with file access would.</summary>
[TestFixture]
internal sealed class AuditVerifyTests
{
    private const string Columns =
        "time_us, kind, session_id, subject, client_id, groups, token_hash, connection, remote_address, protocol_version, " +
        "direction, frame_seq, message_kind, rpc_id, method, tool, verdict, inspector, reason, error_code, size, payload_sha256, payload";

    private string _directory = null!;

    private string DatabasePath => Path.Combine(_directory, "audit.db");

    [SetUp]
    public async Task CreateStoreWithTwentyRecords()
    {
        _directory = Directory.CreateTempSubdirectory("mcpgw-verify-").FullName;
        await using var store = SqliteAuditStoreTests.Open(DatabasePath);
        for (var n = 1; n <= 20; n++)
        {
            await store.AppendAsync(new AuditRecord
            {
                TimeMicros = 1_700_000_000_000_000 + n,
                Kind = AuditEventKind.Frame,
                SessionId = "s1",
                Subject = "alice",
                Direction = "client_to_upstream",
                FrameSequence = n,
                Method = "tools/call",
                Tool = "read_file",
                Verdict = "forwarded",
            }, CancellationToken.None);
        }
    }

    [TearDown]
    public void DeleteDirectory()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private Task TamperAsync(string sql, CancellationToken cancellationToken) => SqliteAuditFile.TamperAsync(DatabasePath, sql, cancellationToken);

    private Task<(int Exit, string Output)> VerifyAsync(CancellationToken cancellationToken, params string[] options) =>
        SqliteAuditFile.VerifyAsync(DatabasePath, cancellationToken, options);

    private async Task<string> SignHeadAsync(CancellationToken cancellationToken)
    {
        var (privateKey, publicKey) = CheckpointSigner.GenerateKey();
        var keyPath = Path.Combine(_directory, "key.pem");
        await File.WriteAllTextAsync(keyPath, privateKey, cancellationToken);
        var publicPath = Path.Combine(_directory, "key.pub.pem");
        await File.WriteAllTextAsync(publicPath, publicKey, cancellationToken);
        await using var store = SqliteAuditStoreTests.Open(DatabasePath);
        using var signer = CheckpointSigner.FromPemFile(keyPath);
        var (sequence, hash) = await store.ReadHeadAsync(cancellationToken);
        await store.AppendCheckpointAsync(signer.Sign(sequence, hash, 1), cancellationToken);
        return publicPath;
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Verify_RecordsTruncatedAfterTheLastCheckpoint_ReportsTruncatedRange(CancellationToken cancellationToken)
    {
        var publicKey = await SignHeadAsync(cancellationToken);
        await TamperAsync("DELETE FROM audit_records WHERE seq > 15", cancellationToken);

        var (exit, output) = await VerifyAsync(cancellationToken, "--public-key", publicKey);

        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("truncated: records 16-20\n").And.Contain("1 checked, the last vouches for record 20"));
    }

    [TestCase("missing.pub.pem", false, TestName = "Verify_PublicKeyFileMissing_SaysSoAndExitsOne")]
    [TestCase("garbage.pub.pem", true, TestName = "Verify_PublicKeyFileNotAKey_SaysSoAndExitsOne")]
    [CancelAfter(20000)]
    public async Task Verify_UnusablePublicKey(string name, bool exists, CancellationToken cancellationToken)
    {
        var keyPath = Path.Combine(_directory, name);
        if (exists)
        {
            await File.WriteAllTextAsync(keyPath, "-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n", cancellationToken);
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await AuditCommand.RunAsync(["verify", "--store", DatabasePath, "--public-key", keyPath], output, error, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(1));
            Assert.That(error.ToString(), Does.StartWith($"mcpgw: cannot use {keyPath} as the checkpoint public key: "));
            Assert.That(output.ToString(), Is.Empty, "nothing is reported as verified");
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Verify_CheckpointedAndUntouched_ReportsIntact(CancellationToken cancellationToken)
    {
        var publicKey = await SignHeadAsync(cancellationToken);

        var (exit, output) = await VerifyAsync(cancellationToken, "--public-key", publicKey);

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("warning: legacy checkpoints: records 1-20 are vouched for by 1 checkpoints that do not link to each other"), "a store signed before checkpoints were linked says what cannot be ruled out");
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Verify_ChainRewrittenConsistentlyBelowACheckpoint_ReportsCheckpointMismatch(CancellationToken cancellationToken)
    {
        var publicKey = await SignHeadAsync(cancellationToken);

        // An attacker who rewrites every hash from record 10 on leaves a self-consistent chain; only the signature knows.
        var records = await SqliteAuditFile.ReadAllAsync(DatabasePath, cancellationToken);

        var previous = records[8].Hash;
        var sql = new System.Text.StringBuilder("UPDATE audit_records SET tool = 'delete_file' WHERE seq = 10;");
        foreach (var stored in records.Skip(9))
        {
            var record = stored.Sequence == 10 ? stored.Record with { Tool = "delete_file" } : stored.Record;
            var hash = AuditHashChain.Compute(previous, stored.Sequence, record);
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"UPDATE audit_records SET prev_hash = x'{Convert.ToHexString(previous)}', hash = x'{Convert.ToHexString(hash)}' WHERE seq = {stored.Sequence};");
            previous = hash;
        }

        await TamperAsync(sql.ToString(), cancellationToken);

        var (exit, output) = await VerifyAsync(cancellationToken, "--public-key", publicKey);

        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("checkpointmismatch: record 20\n"));
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Keygen_ThenVerifyWithTheConfigsKey_ChecksCheckpoints(CancellationToken cancellationToken)
    {
        var keyPath = Path.Combine(_directory, "signing.pem");
        using var keygen = new StringWriter();
        Assert.That(await AuditCommand.RunAsync(["keygen", "--out", keyPath], keygen, keygen, cancellationToken), Is.Zero, keygen.ToString());
        Assert.That(File.Exists(Path.Combine(_directory, "signing.pub.pem")), Is.True);
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(keyPath), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }

        await using (var store = SqliteAuditStoreTests.Open(DatabasePath))
        {
            using var signer = CheckpointSigner.FromPemFile(keyPath);
            var (sequence, hash) = await store.ReadHeadAsync(cancellationToken);
            await store.AppendCheckpointAsync(signer.Sign(sequence, hash, 1), cancellationToken);
        }

        var config = Path.Combine(_directory, "gateway.json");
        await File.WriteAllTextAsync(config, """
            {
              "listen": "127.0.0.1:0",
              "auth": { "mode": "none" },
              "connections": { "x": { "transport": "tcp", "host": "127.0.0.1", "port": 1 } },
              "audit": { "signingKeyFile": "signing.pem" }
            }
            """, cancellationToken);

        using var output = new StringWriter();
        var exit = await AuditCommand.RunAsync(["verify", "--config", config], output, output, cancellationToken);

        Assert.That(exit, Is.Zero, output.ToString());
        Assert.That(output.ToString(), Does.Contain("1 checked, the last vouches for record 20").And.Contain("intact"));
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Verify_UntouchedStore_ReportsIntactAndExitsZero(CancellationToken cancellationToken)
    {
        var (exit, output) = await VerifyAsync(cancellationToken);

        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Contain("20 records, head 20").And.Contain("intact"));
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Verify_RecordEdited_ReportsModified(CancellationToken cancellationToken)
    {
        await TamperAsync("UPDATE audit_records SET tool = 'delete_file' WHERE seq = 5", cancellationToken);

        var (exit, output) = await VerifyAsync(cancellationToken);

        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("modified: record 5\n").And.Not.Contain("inserted").And.Not.Contain("deleted"));
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Verify_RecordsDeleted_ReportsDeletedRange(CancellationToken cancellationToken)
    {
        await TamperAsync("DELETE FROM audit_records WHERE seq BETWEEN 7 AND 9", cancellationToken);

        var (exit, output) = await VerifyAsync(cancellationToken);

        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("deleted: records 7-9\n").And.Not.Contain("modified").And.Not.Contain("inserted"));
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Verify_TwoRecordsSwapped_ReportsReorderedRange(CancellationToken cancellationToken)
    {
        await TamperAsync("UPDATE audit_records SET seq = -5 WHERE seq = 5; UPDATE audit_records SET seq = 5 WHERE seq = 6; UPDATE audit_records SET seq = 6 WHERE seq = -5", cancellationToken);

        var (exit, output) = await VerifyAsync(cancellationToken);

        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("reordered: records 5-6\n").And.Not.Contain("modified").And.Not.Contain("inserted"));
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Verify_RecordInsertedAndLaterOnesRenumbered_ReportsInserted(CancellationToken cancellationToken)
    {
        await TamperAsync(
            "UPDATE audit_records SET seq = seq + 1000 WHERE seq > 10; UPDATE audit_records SET seq = seq - 999 WHERE seq > 1000; " +
            $"INSERT INTO audit_records (seq, {Columns}, prev_hash, hash) SELECT 11, {Columns}, (SELECT hash FROM audit_records WHERE seq = 10), randomblob(32) FROM audit_records WHERE seq = 10",
            cancellationToken);

        var (exit, output) = await VerifyAsync(cancellationToken);

        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("inserted: record 11\n"));
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Verify_ForgedRecordWithValidHashNotLinked_ReportsInserted(CancellationToken cancellationToken)
    {
        var forged = new AuditRecord { TimeMicros = 1, Kind = AuditEventKind.Frame, SessionId = "forged", Verdict = "forwarded" };
        var prev = new byte[32];
        var hash = AuditHashChain.Compute(prev, 21, forged);
        await TamperAsync(
            $"INSERT INTO audit_records (seq, time_us, kind, session_id, verdict, prev_hash, hash) VALUES (21, 1, 'frame', 'forged', 'forwarded', x'{Convert.ToHexString(prev)}', x'{Convert.ToHexString(hash)}')",
            cancellationToken);

        var (exit, output) = await VerifyAsync(cancellationToken);

        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("inserted: record 21\n"));
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Verify_CorrectlyHashedRecordInsertedAndLaterOnesRenumbered_ReportsInsertedAtItsSequence(CancellationToken cancellationToken)
    {
        // The forged record is hashed for its place with the public chain code; the records after it move up by one.
        var records = await SqliteAuditFile.ReadAllAsync(DatabasePath, cancellationToken);

        var forged = records[9].Record with { Tool = "delete_file", FrameSequence = 99 };
        var hash = AuditHashChain.Compute(records[9].Hash, 11, forged);
        await TamperAsync(
            "UPDATE audit_records SET seq = seq + 1000 WHERE seq > 10; UPDATE audit_records SET seq = seq - 999 WHERE seq > 1000; " +
            $"INSERT INTO audit_records (seq, {Columns}, prev_hash, hash) SELECT 11, time_us, kind, session_id, subject, client_id, groups, token_hash, connection, remote_address, protocol_version, " +
            $"direction, 99, message_kind, rpc_id, method, 'delete_file', verdict, inspector, reason, error_code, size, payload_sha256, payload, hash, x'{Convert.ToHexString(hash)}' FROM audit_records WHERE seq = 10",
            cancellationToken);

        var (exit, output) = await VerifyAsync(cancellationToken);

        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("inserted: record 11\n").And.Contain("reordered: records 12-21\n").And.Not.Contain("modified"));
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Verify_ProgressOnALongStore_ReportsRecordsPerSecondOnTheErrorOutputOnly(CancellationToken cancellationToken)
    {
        await SqliteAuditFile.FillAsync(DatabasePath, CheckpointPolicy.ProgressEvery, cancellationToken);

        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await AuditCommand.RunAsync(["verify", "--store", DatabasePath, "--progress"], output, error, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, output.ToString());
            Assert.That(error.ToString(), Does.Match(@"^mcpgw: verified 16,404 records in \d+\.\d s \([\d,]+ records/s\)\n"));
            Assert.That(output.ToString(), Does.Not.Contain("records/s"));
        });
    }
}
