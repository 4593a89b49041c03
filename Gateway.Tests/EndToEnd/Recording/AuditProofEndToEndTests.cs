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
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace McpGateway.Tests.EndToEnd.Recording;

/// <summary>
/// A real gateway (server-everything upstream, checkpoints signed every second) records two runs of a session into
/// SQLite or PostgreSQL; an auditor takes inclusion and consistency proofs out of the store and checks them offline
/// with <c>mcpgw audit check-proof</c> and the public key alone. A flipped bit in a proof fails it; records rewritten
/// after a signed tree head (the chain recomputed with the public code) no longer give a proof, and verify reports it.
/// </summary>
[TestFixture("sqlite")]
[TestFixture("postgres")]
[NonParallelizable]
internal sealed class AuditProofEndToEndTests(string kind)
{
    private ThrowawayPostgres? _postgres;
    private string _directory = null!;
    private string _privateKey = null!;
    private string _publicKey = null!;

    private string StorePath => Path.Combine(_directory, "audit.db");

    private string ConnectionString => _postgres!.ConnectionString;

    [OneTimeSetUp]
    public async Task StartPostgres()
    {
        if (kind == "postgres")
        {
            _postgres = await ThrowawayPostgres.StartOrIgnoreAsync();
        }
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
    public async Task CreateKeyAsync()
    {
        _directory = Directory.CreateTempSubdirectory("mcpgw-proof-").FullName;
        _privateKey = Path.Combine(_directory, "audit-key.pem");
        _publicKey = Path.Combine(_directory, "audit-key.pub.pem");
        using var keygen = new StringWriter();
        Assert.That(await AuditCommand.RunAsync(["keygen", "--out", _privateKey], keygen, keygen), Is.Zero, keygen.ToString());
        if (_postgres is not null)
        {
            await ExecuteSqlAsync("DROP TABLE IF EXISTS audit_records, audit_checkpoints, audit_anchors, audit_tree, audit_tree_head;", CancellationToken.None);
        }
    }

    [TearDown]
    public void DeleteDirectory()
    {
        SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private AuditSettings Audit() =>
        new(kind == "postgres" ? "unused" : StorePath, AuditSettings.DefaultQueueCapacity, TimeSpan.FromSeconds(2))
        {
            PostgresConnectionString = kind == "postgres" ? ConnectionString : null,
            SigningKeyFile = _privateKey,
            CheckpointInterval = TimeSpan.FromSeconds(1),
        };

    private IAuditStore OpenStore() => AuditStores.Create(Audit(), TimeProvider.System, NullLogger.Instance);

    /// <summary>One gateway run: a session of a few echo calls; the run ends on its final (stop) tree head.</summary>
    private async Task RecordRunAsync(int run, CancellationToken cancellationToken)
    {
        var settings = GatewayHarness.Settings(GatewayHarness.Everything()) with { Audit = Audit() };
        await using var gateway = await GatewayHarness.StartAsync(settings, cancellationToken);
        await using var client = await gateway.ConnectAsync("everything", cancellationToken);
        await client.InitializeAsync(cancellationToken);
        for (var i = 1; i <= 3; i++)
        {
            var echo = await client.RequestAsync(i, "tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = $"run {run} call {i}" } }, cancellationToken);
            Assert.That(echo["result"], Is.Not.Null, echo.ToJsonString());
        }
    }

    /// <summary>Two runs; returns the sizes of their final tree heads.</summary>
    private async Task<(long First, long Second)> RecordTwoRunsAsync(CancellationToken cancellationToken)
    {
        await RecordRunAsync(1, cancellationToken);
        var first = (await TreeHeadsAsync(cancellationToken))[^1];
        await RecordRunAsync(2, cancellationToken);
        var second = (await TreeHeadsAsync(cancellationToken))[^1];
        Assert.That((first.Kind, second.Kind), Is.EqualTo((CheckpointKind.Stop, CheckpointKind.Stop)), "each run ends on its final tree head");
        Assert.That(second.Sequence, Is.GreaterThan(first.Sequence));
        return (first.Sequence, second.Sequence);
    }

    private async Task<List<AuditCheckpoint>> TreeHeadsAsync(CancellationToken cancellationToken)
    {
        var store = OpenStore();
        await using (store as IAsyncDisposable)
        {
            return [.. (await store.ReadCheckpointsAsync(cancellationToken).ToListAsync(cancellationToken)).Where(c => c.Root is not null)];
        }
    }

    /// <summary>A proof as the auditor gets it: <c>mcpgw audit prove</c> / <c>consistency</c> on SQLite, the same proof code on PostgreSQL.</summary>
    private async Task<(int Exit, string Proof, string Error)> ProveAsync(string[] command, CancellationToken cancellationToken)
    {
        if (kind == "sqlite")
        {
            using var output = new StringWriter();
            using var error = new StringWriter();
            var exit = await AuditCommand.RunAsync([.. command, "--store", StorePath], output, error, cancellationToken);
            return (exit, output.ToString(), error.ToString());
        }

        var store = OpenStore();
        await using (store as IAsyncDisposable)
        {
            try
            {
                var proof = command[0] == "prove"
                    ? await AuditProofs.InclusionAsync(store, long.Parse(command[1], CultureInfo.InvariantCulture), null, cancellationToken)
                    : await AuditProofs.ConsistencyAsync(store, long.Parse(command[1], CultureInfo.InvariantCulture), long.Parse(command[2], CultureInfo.InvariantCulture), cancellationToken);
                return (0, proof.Write(), "");
            }
            catch (InvalidOperationException ex)
            {
                return (1, "", ex.Message);
            }
        }
    }

    /// <param name="publicKey">The key to check with; null for the store's signing key's.</param>
    private async Task<(int Exit, string Output)> CheckAsync(string proof, CancellationToken cancellationToken, string? publicKey = null)
    {
        var file = Path.Combine(_directory, $"proof-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, proof, cancellationToken);
        using var output = new StringWriter();
        var exit = await AuditCommand.RunAsync(["check-proof", file, "--public-key", publicKey ?? _publicKey], output, output, cancellationToken);
        return (exit, output.ToString());
    }

    private async Task ExecuteSqlAsync(string sql, CancellationToken cancellationToken)
    {
        if (kind == "sqlite")
        {
            await using var connection = new SqliteConnection(SqliteAuditStore.ConnectionString(StorePath, SqliteOpenMode.ReadWrite));
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            await command.ExecuteNonQueryAsync(cancellationToken);
            return;
        }

        await using var postgres = new NpgsqlConnection(ConnectionString);
        await postgres.OpenAsync(cancellationToken);
        await using var pg = new NpgsqlCommand(sql, postgres);
        await pg.ExecuteNonQueryAsync(cancellationToken);
    }

    [Test]
    [CancelAfter(120000)]
    public async Task ProveAndConsistency_TwoRecordedRuns_OfflineCheckAcceptsAndAFlippedBitFails(CancellationToken cancellationToken)
    {
        var (first, second) = await RecordTwoRunsAsync(cancellationToken);

        foreach (var sequence in new[] { 1, first, first + 1, second })
        {
            var (exit, proof, error) = await ProveAsync(["prove", sequence.ToString(CultureInfo.InvariantCulture)], cancellationToken);
            Assert.That(exit, Is.Zero, error);
            var check = await CheckAsync(proof, cancellationToken);
            Assert.That(check.Exit, Is.Zero, check.Output);
            Assert.That(check.Output, Does.Contain($"verifies: record {sequence} is in the log of {second} records"));

            var json = JsonNode.Parse(proof)!.AsObject();
            var leaf = json["leaf"]!.GetValue<string>();
            json["leaf"] = (leaf[0] == '0' ? "1" : "0") + leaf[1..];
            var flipped = await CheckAsync(json.ToJsonString(), cancellationToken);
            Assert.That(flipped.Exit, Is.EqualTo(1), flipped.Output);
            Assert.That(flipped.Output, Does.Contain("does not verify: the path does not lead"));
        }

        var consistency = await ProveAsync(["consistency", first.ToString(CultureInfo.InvariantCulture), second.ToString(CultureInfo.InvariantCulture)], cancellationToken);
        Assert.That(consistency.Exit, Is.Zero, consistency.Error);
        var checkedConsistency = await CheckAsync(consistency.Proof, cancellationToken);
        Assert.That(checkedConsistency.Exit, Is.Zero, checkedConsistency.Output);
        Assert.That(checkedConsistency.Output, Does.Contain($"the log of {first} records (checkpoint #").And.Contain($"is a prefix of the log of {second} records"));

        var forged = JsonNode.Parse(consistency.Proof)!.AsObject();
        var path = forged["path"]!.AsArray();
        var element = path[^1]!.GetValue<string>();
        path[^1] = (element[0] == 'f' ? "e" : "f") + element[1..];
        var failed = await CheckAsync(forged.ToJsonString(), cancellationToken);
        Assert.That(failed.Exit, Is.EqualTo(1), failed.Output);
        Assert.That(failed.Output, Does.Contain("is not a prefix"));

        var wrongKey = JsonNode.Parse(consistency.Proof)!.AsObject();
        wrongKey["newCheckpoint"]!["root"] = wrongKey["oldCheckpoint"]!["root"]!.GetValue<string>();
        var unsigned = await CheckAsync(wrongKey.ToJsonString(), cancellationToken);
        Assert.That(unsigned.Output, Does.Contain("the new checkpoint's signature does not verify"));

        var notAKey = Path.Combine(_directory, "not-a-key.pem");
        await File.WriteAllTextAsync(notAKey, "-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n", cancellationToken);
        var unusable = await CheckAsync(consistency.Proof, cancellationToken, notAKey);
        Assert.That(unusable.Exit, Is.EqualTo(1), unusable.Output);
        Assert.That(unusable.Output, Does.StartWith($"mcpgw: cannot use {notAKey} as the checkpoint public key: ").And.Not.Contain("verifies"));
    }

    [Test]
    [CancelAfter(120000)]
    public async Task Prove_RecordRewrittenAfterATreeHeadWithTheChainRecomputed_RefusedAndVerifyReportsIt(CancellationToken cancellationToken)
    {
        var (first, second) = await RecordTwoRunsAsync(cancellationToken);
        var before = await ProveAsync(["consistency", first.ToString(CultureInfo.InvariantCulture), second.ToString(CultureInfo.InvariantCulture)], cancellationToken);
        Assert.That(before.Exit, Is.Zero, before.Error);

        // Rewrite record 2 (its method) and recompute every later hash with the public chain code: the chain is consistent again.
        List<StoredAuditRecord> records;
        var store = OpenStore();
        await using (store as IAsyncDisposable)
        {
            records = await store.ReadAsync(1, cancellationToken).ToListAsync(cancellationToken);
        }

        var sql = new StringBuilder();
        var previous = records[0].Hash;
        foreach (var stored in records.Skip(1))
        {
            var record = stored.Sequence == 2 ? stored.Record with { Method = "tools/list" } : stored.Record;
            var hash = AuditHashChain.Compute(previous, stored.Sequence, record);
            sql.Append(CultureInfo.InvariantCulture, $"UPDATE audit_records SET {(stored.Sequence == 2 ? "method = 'tools/list', " : "")}prev_hash = {Bytes(previous)}, hash = {Bytes(hash)} WHERE seq = {stored.Sequence};");
            previous = hash;
        }

        await ExecuteSqlAsync(sql.ToString(), cancellationToken);

        var proof = await ProveAsync(["prove", "2"], cancellationToken);
        var consistency = await ProveAsync(["consistency", first.ToString(CultureInfo.InvariantCulture), second.ToString(CultureInfo.InvariantCulture)], cancellationToken);
        var stillValid = await CheckAsync(before.Proof, cancellationToken);
        var verify = await VerifyAsync(cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(proof.Exit, Is.EqualTo(1));
            Assert.That(proof.Error, Does.Contain("do not give the signed tree head"));
            Assert.That(consistency.Exit, Is.EqualTo(1));
            Assert.That(consistency.Error, Does.Contain("do not give the signed tree heads"));
            Assert.That(stillValid.Exit, Is.Zero, "the proof taken before the rewrite still holds offline: the auditor's copy pins the history");
            Assert.That(verify.Exit, Is.EqualTo(1), verify.Output);
            Assert.That(verify.Output, Does.Contain("checkpointmismatch: record"));
        });
    }

    [Test]
    [CancelAfter(120000)]
    public async Task PythonVerifierFromTheDocs_ProofsOfTwoRecordedRuns_AcceptsThemAndRejectsAFlippedBit(CancellationToken cancellationToken)
    {
        if (!await PythonHasCryptographyAsync(cancellationToken))
        {
            Assert.Ignore("python3 with the cryptography package is not installed");
        }

        var (first, second) = await RecordTwoRunsAsync(cancellationToken);
        var inclusion = await ProveAsync(["prove", first.ToString(CultureInfo.InvariantCulture)], cancellationToken);
        var consistency = await ProveAsync(["consistency", first.ToString(CultureInfo.InvariantCulture), second.ToString(CultureInfo.InvariantCulture)], cancellationToken);
        var flipped = JsonNode.Parse(inclusion.Proof)!.AsObject();
        var leaf = flipped["leaf"]!.GetValue<string>();
        flipped["leaf"] = leaf[..^1] + (leaf[^1] == '0' ? "1" : "0");

        var (inclusionExit, inclusionOutput) = await PythonCheckAsync(inclusion.Proof, cancellationToken);
        var (consistencyExit, consistencyOutput) = await PythonCheckAsync(consistency.Proof, cancellationToken);
        var (flippedExit, flippedOutput) = await PythonCheckAsync(flipped.ToJsonString(), cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That((inclusionExit, inclusionOutput.Trim()), Is.EqualTo((0, "verifies")));
            Assert.That((consistencyExit, consistencyOutput.Trim()), Is.EqualTo((0, "verifies")));
            Assert.That((flippedExit, flippedOutput.Trim()), Is.EqualTo((1, "DOES NOT VERIFY")));
        });
    }

    private static async Task<bool> PythonHasCryptographyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var probe = ChildProcess.Start("python3", ["-c", "import cryptography"]);
            await probe.WaitForExitAsync(cancellationToken);
            return probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>Runs the Python verifier printed in docs/audit-proofs.md on <paramref name="proof"/>.</summary>
    private async Task<(int Exit, string Output)> PythonCheckAsync(string proof, CancellationToken cancellationToken)
    {
        var doc = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "docs", "audit-proofs.md"), cancellationToken);
        var start = doc.IndexOf("```python\n", StringComparison.Ordinal) + "```python\n".Length;
        var script = Path.Combine(_directory, "check_proof.py");
        await File.WriteAllTextAsync(script, doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)], cancellationToken);
        var file = Path.Combine(_directory, $"proof-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, proof, cancellationToken);
        await using var python = ChildProcess.Start("python3", [script, file, _publicKey]);
        await python.WaitForExitAsync(cancellationToken);
        return (python.ExitCode, string.Join("\n", python.OutputLines) + python.StandardError);
    }

    private async Task<(int Exit, string Output)> VerifyAsync(CancellationToken cancellationToken)
    {
        using var output = new StringWriter();
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        if (kind == "sqlite")
        {
            var exit = await AuditCommand.RunAsync(["verify", "--store", StorePath, "--public-key", _publicKey], output, output, clock, cancellationToken);
            return (exit, output.ToString());
        }

        var store = OpenStore();
        await using (store as IAsyncDisposable)
        {
            using var key = CheckpointSigner.PublicKeyFromPem(await File.ReadAllTextAsync(_publicKey, cancellationToken));
            var verification = await AuditChainVerifier.VerifyAsync(
                store.ReadAsync(1, cancellationToken),
                await store.ReadCheckpointsAsync(cancellationToken).ToListAsync(cancellationToken),
                await store.ReadAnchorsAsync(cancellationToken).ToListAsync(cancellationToken),
                key,
                new CheckpointPolicy(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(1)),
                cancellationToken);
            return (verification.IsIntact ? 0 : 1, string.Join("\n", verification.Findings));
        }
    }

    private string Bytes(byte[] value) => kind == "sqlite" ? $"x'{Convert.ToHexString(value)}'" : $"'\\x{Convert.ToHexString(value)}'::bytea";
}
