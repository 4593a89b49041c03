using System.Security.Cryptography;
using McpGateway.Core.Configuration;
using McpGateway.Core.Recording;
using McpGateway.Inspectors;
using McpGateway.Inspectors.Recording;
using Microsoft.Data.Sqlite;

namespace McpGateway.Host.Commands;

/// <summary>
/// <c>mcpgw audit verify</c>: the hash chain, the chain of checkpoints under <see cref="CheckpointPolicy"/> (with a
/// public key), and the checkpoints kept by anchors outside the store. Findings go to the output and exit 1; warnings
/// (legacy checkpoints, a run that ended without its final checkpoint) are printed and do not fail. Progress (records
/// done of the store's count, records per second, time left; <see cref="VerifyProgress"/>) goes to the error output
/// every <see cref="AuditCommand.ProgressEvery"/> with <c>--progress</c>, or when that output is the process's own
/// standard error on a terminal and <c>--quiet</c> is not given.
/// </summary>
internal static class AuditVerifyCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var (rest, anchorArguments, progress, quiet) = SplitArguments(args);
        var options = rest is null ? null : Usage.Options(rest, "config", "store", "public-key", "log");
        if (options is null || options.ContainsKey("config") == options.ContainsKey("store") || anchorArguments is [] || (progress && quiet))
        {
            await error.WriteLineAsync(AuditCommand.UsageText).ConfigureAwait(false);
            return Usage.BadUsage;
        }

        AuditSettings audit;
        string? keyFile = options.TryGetValue("public-key", out var publicKeyPath) ? publicKeyPath : null;
        if (options.TryGetValue("store", out var store))
        {
            audit = new AuditSettings(Path.GetFullPath(store), 1, AuditSettings.DefaultEnqueueTimeout);
        }
        else
        {
            GatewaySettings settings;
            try
            {
                settings = GatewayConfiguration.LoadFile(options["config"]);
            }
            catch (InvalidConfigurationException ex)
            {
                await error.WriteLineAsync($"mcpgw: {options["config"]} is invalid: {string.Join("; ", ex.Errors)}").ConfigureAwait(false);
                return 1;
            }

            if (settings.Audit is null)
            {
                await error.WriteLineAsync($"mcpgw: {options["config"]} has no audit section").ConfigureAwait(false);
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
            try
            {
                key = CheckpointSigner.PublicKeyFromPem(await File.ReadAllTextAsync(keyFile, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or CryptographicException)
            {
                await error.WriteLineAsync($"mcpgw: cannot use {keyFile} as the checkpoint public key: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
        }

        using var publicKey = key;
        if (anchorArguments is { Count: > 0 } && publicKey is null)
        {
            await error.WriteLineAsync("mcpgw: --anchors needs the checkpoint public key (--public-key, or audit.signingKeyFile in the configuration)").ConfigureAwait(false);
            return Usage.BadUsage;
        }

        var witnessed = new List<AuditCheckpoint>();
        var anchorLines = new List<string>();
        foreach (var anchor in anchorArguments ?? [])
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

        var showProgress = progress || (!quiet && ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected);
        if (audit.PostgresConnectionString is { } connectionString)
        {
            return await VerifyLogsAsync(connectionString, audit, options.GetValueOrDefault("log"), anchorArguments is { Count: > 0 }, publicKey, showProgress ? timeProvider : null, Policy, anchorLines, output, error, cancellationToken).ConfigureAwait(false);
        }

        VerifyProgress? reporter = null;
        AuditVerification verification;
        List<AuditAnchor> anchors;
        {
            await using var connection = new SqliteConnection(SqliteAuditStore.ConnectionString(path, SqliteOpenMode.ReadOnly));
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var checkpoints = await SqliteAuditStore.ReadCheckpointsAsync(connection, cancellationToken).ConfigureAwait(false);
            anchors = await SqliteAuditStore.ReadAnchorsAsync(connection, cancellationToken).ConfigureAwait(false);
            if (showProgress)
            {
                reporter = new VerifyProgress(error, timeProvider, await SqliteRecordCountAsync(connection, anchors, cancellationToken).ConfigureAwait(false));
            }

            verification = await AuditChainVerifier.VerifyAsync(SqliteChainReader.ReadAsync(path, 1, cancellationToken), checkpoints, anchors, publicKey, Policy(reporter), cancellationToken).ConfigureAwait(false);
        }

        if (reporter is not null && verification.Records >= CheckpointPolicy.ProgressEvery)
        {
            reporter.Finish(verification.Records);
        }

        return await ReportAsync(verification, path, publicKey is not null, anchors.Count, anchorLines, output).ConfigureAwait(false);

        CheckpointPolicy Policy(VerifyProgress? reporter) => new(timeProvider.GetUtcNow(), audit.CheckpointInterval)
        {
            Witnessed = witnessed,
            Progress = reporter is null ? null : reporter.Report,
        };
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
    /// <param name="progressClock">The clock of each log's progress on <paramref name="error"/>; null for no progress.</param>
    private static async Task<int> VerifyLogsAsync(string connectionString, AuditSettings audit, string? logId, bool anchored, ECDsa? publicKey, TimeProvider? progressClock, Func<VerifyProgress?, CheckpointPolicy> policy, List<string> anchorLines, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var logs = await PostgresAuditLogs.ListAsync(connectionString, cancellationToken).ConfigureAwait(false);
        if (logId is not null && !logs.Contains(logId))
        {
            await error.WriteLineAsync($"mcpgw: the audit store has no log '{logId}' (its logs: {(logs.Count == 0 ? "none" : string.Join(", ", logs))})").ConfigureAwait(false);
            return 1;
        }

        if (logId is null && anchored && logs.Count > 1)
        {
            await error.WriteLineAsync($"mcpgw: the audit store holds {logs.Count} logs ({string.Join(", ", logs)}); an anchor keeps one log's checkpoints: name it with --log").ConfigureAwait(false);
            return Usage.BadUsage;
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
                VerifyProgress? reporter = null;
                if (progressClock is not null)
                {
                    var (head, _) = await postgres.ReadHeadAsync(cancellationToken).ConfigureAwait(false);
                    reporter = new VerifyProgress(error, progressClock, Math.Max(0, head - FirstSequence(anchors) + 1));
                }

                var verification = await AuditChainVerifier.VerifyAsync(postgres.ReadAsync(1, cancellationToken), checkpoints, anchors, publicKey, policy(reporter), cancellationToken).ConfigureAwait(false);
                if (reporter is not null && verification.Records >= CheckpointPolicy.ProgressEvery)
                {
                    reporter.Finish(verification.Records);
                }

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

    /// <summary>
    /// Takes <c>--anchors</c> (every argument after it up to the next option), <c>--progress</c> and <c>--quiet</c> out
    /// of <paramref name="args"/>. Anchors: null when not given, empty when given without a value.
    /// </summary>
    private static (string[]? Remaining, List<string>? Anchors, bool Progress, bool Quiet) SplitArguments(string[] args)
    {
        var rest = new List<string>();
        List<string>? anchors = null;
        var progress = false;
        var quiet = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--progress":
                    progress = true;
                    break;
                case "--quiet":
                    quiet = true;
                    break;
                case "--anchors":
                    anchors ??= [];
                    while (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        anchors.Add(args[++i]);
                    }

                    break;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }

        return ([.. rest], anchors, progress, quiet);
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
