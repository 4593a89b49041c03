using System.Security.Cryptography;
using McpGateway.Core.Configuration;
using McpGateway.Core.Recording;
using McpGateway.Host.Cli;
using McpGateway.Inspectors;
using McpGateway.Inspectors.Recording;
using Microsoft.Data.Sqlite;

namespace McpGateway.Host.Commands;

/// <summary>
/// <c>mcpgw audit verify</c>: the hash chain, the chain of checkpoints under <see cref="CheckpointPolicy"/> (with a
/// public key), and the checkpoints kept by anchors outside the store. Findings go to the output and exit 1; warnings
/// (legacy checkpoints, a run that ended without its final checkpoint) are printed and do not fail. Progress (records
/// done of the store's count, records per second, time left) goes to the error output through a
/// <see cref="ProgressReporter"/> with <c>--progress</c>, or when that output is the process's own standard error on a
/// terminal and <c>--quiet</c> is not given.
/// </summary>
internal static class AuditVerifyCommand
{
    public static async Task<int> RunAsync(AuditVerifyOptions options, TextWriter output, TextWriter error, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        AuditSettings audit;
        var keyFile = options.PublicKey;
        if (options.Source.Store is { } store)
        {
            audit = new AuditSettings(Path.GetFullPath(store), 1, AuditSettings.DefaultEnqueueTimeout);
        }
        else
        {
            var config = options.Source.Config!;
            GatewaySettings settings;
            try
            {
                settings = GatewayConfiguration.LoadFile(config);
            }
            catch (InvalidConfigurationException ex)
            {
                await error.WriteLineAsync($"mcpgw: {config} is invalid: {string.Join("; ", ex.Errors)}").ConfigureAwait(false);
                return 1;
            }

            if (settings.Audit is null)
            {
                await error.WriteLineAsync($"mcpgw: {config} has no audit section").ConfigureAwait(false);
                return 1;
            }

            audit = settings.Audit;
            keyFile ??= settings.Audit.SigningKeyFile;
        }

        var path = audit.PostgresConnectionString is null ? audit.StorePath : "postgres";
        if (audit.PostgresConnectionString is null && !File.Exists(path))
        {
            await error.WriteLineAsync($"mcpgw: audit store {path} does not exist").ConfigureAwait(false);
            return 1;
        }

        ECDsa? key = null;
        if (keyFile is not null)
        {
            key = await CheckpointPublicKey.ReadAsync(keyFile, error, cancellationToken).ConfigureAwait(false);
            if (key is null)
            {
                return 1;
            }
        }

        using var publicKey = key;
        if (options.Anchors.Count > 0 && publicKey is null)
        {
            await error.WriteLineAsync("mcpgw: --anchors needs the checkpoint public key (--public-key, or audit.signingKeyFile in the configuration)").ConfigureAwait(false);
            return MainCommand.BadUsage;
        }

        var witnessed = new List<AuditCheckpoint>();
        var anchorLines = new List<string>();
        foreach (var anchor in options.Anchors)
        {
            try
            {
                var read = await ReadAnchorAsync(anchor, cancellationToken).ConfigureAwait(false);
                witnessed.AddRange(read);
                anchorLines.Add($"anchor {anchor}: {read.Count} checkpoints");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HttpRequestException or FormatException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                await error.WriteLineAsync($"mcpgw: cannot read the anchor {anchor}: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
        }

        if (audit.PostgresConnectionString is { } connectionString)
        {
            return await VerifyLogsAsync(connectionString, audit, options.Source.Log, options.Anchors.Count > 0, publicKey, Reporter, Policy, anchorLines, output, error, cancellationToken).ConfigureAwait(false);
        }

        ProgressReporter? reporter;
        long expected = 0;
        AuditVerification verification;
        List<AuditAnchor> anchors;
        {
            await using var connection = new SqliteConnection(SqliteAuditStore.ConnectionString(path, SqliteOpenMode.ReadOnly));
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var checkpoints = await SqliteAuditStore.ReadCheckpointsAsync(connection, cancellationToken).ConfigureAwait(false);
            anchors = await SqliteAuditStore.ReadAnchorsAsync(connection, cancellationToken).ConfigureAwait(false);
            reporter = Reporter();
            if (reporter is not null)
            {
                expected = await SqliteRecordCountAsync(connection, anchors, cancellationToken).ConfigureAwait(false);
            }

            verification = await AuditChainVerifier.VerifyAsync(SqliteChainReader.ReadAsync(path, 1, cancellationToken), checkpoints, anchors, publicKey, Policy(reporter, expected), cancellationToken).ConfigureAwait(false);
        }

        Complete(reporter, verification);
        return await ReportAsync(verification, path, publicKey is not null, anchors.Count, anchorLines, output).ConfigureAwait(false);

        // One per pass (each PostgreSQL log has its own), made when the pass starts.
        ProgressReporter? Reporter() => options.Quiet ? null : ProgressReporter.For(options.Progress, error, "verified", timeProvider, timeLeft: true);

        CheckpointPolicy Policy(ProgressReporter? reporter, long expected) => new(timeProvider.GetUtcNow(), audit.CheckpointInterval)
        {
            Witnessed = witnessed,
            Progress = reporter is null ? null : done => reporter.Report(done, expected),
        };
    }

    /// <summary>The closing line of a pass long enough to have reported (the verifier reports every <see cref="CheckpointPolicy.ProgressEvery"/> records).</summary>
    private static void Complete(ProgressReporter? reporter, AuditVerification verification)
    {
        if (reporter is not null && verification.Records >= CheckpointPolicy.ProgressEvery)
        {
            reporter.Complete(verification.Records);
        }
    }

    /// <summary>About how many records a SQLite store holds from its first kept one to its head (the progress's total; two index lookups).</summary>
    private static async Task<long> SqliteRecordCountAsync(SqliteConnection connection, List<AuditAnchor> anchors, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MIN(seq), MAX(seq) FROM audit_records";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || reader.IsDBNull(1))
        {
            return 0;
        }

        return reader.GetInt64(1) - Math.Max(reader.GetInt64(0), FirstSequence(anchors)) + 1;
    }

    /// <summary>Where the chain starts: the newest purge anchor's record, or 1 (unverified anchors only shape the estimate).</summary>
    private static long FirstSequence(List<AuditAnchor> anchors) => anchors.Count == 0 ? 1 : anchors.Max(a => a.Sequence);

    /// <summary>
    /// PostgreSQL: every log (each instance's own chain, tree and checkpoints) verified on its own, each reported as
    /// <c>audit store postgres log ID: ...</c>; exit 1 when any has findings. An anchor keeps one instance's checkpoints,
    /// so with anchors and several logs <c>--log</c> names the log they belong to.
    /// </summary>
    /// <param name="reporter">Makes each log's progress reporter as its pass starts; null from it for no progress.</param>
    private static async Task<int> VerifyLogsAsync(string connectionString, AuditSettings audit, string? logId, bool anchored, ECDsa? publicKey, Func<ProgressReporter?> reporter, Func<ProgressReporter?, long, CheckpointPolicy> policy, List<string> anchorLines, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var logs = await PostgresAuditLogs.ListAsync(connectionString, cancellationToken).ConfigureAwait(false);
        if (logId is not null && !logs.Contains(logId))
        {
            await error.WriteLineAsync(ConfiguredAuditStore.NoSuchLog(logId, logs)).ConfigureAwait(false);
            return 1;
        }

        if (logId is null && anchored && logs.Count > 1)
        {
            await error.WriteLineAsync($"mcpgw: the audit store holds {logs.Count} logs ({string.Join(", ", logs)}); an anchor keeps one log's checkpoints: name it with --log").ConfigureAwait(false);
            return MainCommand.BadUsage;
        }

        if (logs.Count == 0)
        {
            await output.WriteLineAsync("audit store postgres: no logs yet").ConfigureAwait(false);
            return 0;
        }

        var exit = 0;
        foreach (var log in logId is null ? logs : [logId])
        {
            var postgres = AuditStores.Create(audit with { LogId = log }, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            await using (postgres as IAsyncDisposable)
            {
                var checkpoints = await postgres.ReadCheckpointsAsync(cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
                var anchors = await postgres.ReadAnchorsAsync(cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
                var progress = reporter();
                long expected = 0;
                if (progress is not null)
                {
                    var (head, _) = await postgres.ReadHeadAsync(cancellationToken).ConfigureAwait(false);
                    expected = Math.Max(0, head - FirstSequence(anchors) + 1);
                }

                var verification = await AuditChainVerifier.VerifyAsync(postgres.ReadAsync(1, cancellationToken), checkpoints, anchors, publicKey, policy(progress, expected), cancellationToken).ConfigureAwait(false);
                Complete(progress, verification);

                exit = Math.Max(exit, await ReportAsync(verification, $"postgres log {log}", publicKey is not null, anchors.Count, anchorLines, output).ConfigureAwait(false));
            }
        }

        return exit;
    }

    private static async Task<int> ReportAsync(AuditVerification verification, string path, bool keyed, int retentionAnchors, List<string> anchorLines, TextWriter output)
    {
        foreach (var line in anchorLines)
        {
            await output.WriteLineAsync(line).ConfigureAwait(false);
        }

        await output.WriteLineAsync(verification.CheckpointsVerified is { } checkedCount
            ? $"checkpoints: {checkedCount} checked, the last vouches for record {verification.LastCheckpoint}; {verification.LinkedCheckpoints} linked"
            : "checkpoints: not checked (no public key); truncation cannot be detected").ConfigureAwait(false);
        if (verification.PurgedBefore > 0)
        {
            await output.WriteLineAsync($"retention: records before {verification.PurgedBefore} were purged (signed anchor)").ConfigureAwait(false);
        }
        else if (!keyed && retentionAnchors > 0)
        {
            await output.WriteLineAsync($"retention: {retentionAnchors} purge anchors not checked (no public key); purged records are reported as deleted").ConfigureAwait(false);
        }

        foreach (var warning in verification.Warnings)
        {
            await output.WriteLineAsync("warning: " + warning).ConfigureAwait(false);
        }

        var head = Convert.ToHexStringLower(verification.HeadHash);
        if (verification.IsIntact)
        {
            await output.WriteLineAsync($"audit store {path}: {verification.Records} records, head {verification.HeadSequence} {head}: intact").ConfigureAwait(false);
            return 0;
        }

        await output.WriteLineAsync($"audit store {path}: {verification.Records} records, head {verification.HeadSequence} {head}: {verification.Findings.Count} findings").ConfigureAwait(false);
        foreach (var finding in verification.Findings)
        {
            await output.WriteLineAsync($"  {finding}").ConfigureAwait(false);
        }

        return 1;
    }

    private static async Task<List<AuditCheckpoint>> ReadAnchorAsync(string anchor, CancellationToken cancellationToken)
    {
        if (!CheckpointAnchors.IsUrl(anchor, out var url))
        {
            return CheckpointJson.ReadAll(await File.ReadAllTextAsync(anchor, cancellationToken).ConfigureAwait(false));
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"HTTP {(int)response.StatusCode}");
        }

        return CheckpointJson.ReadAll(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
    }
}
