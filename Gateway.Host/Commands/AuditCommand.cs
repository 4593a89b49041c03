using McpGateway.Core.Configuration;
using McpGateway.Core.Recording;
using McpGateway.Host.Cli;
using McpGateway.Inspectors;
using McpGateway.Inspectors.Recording;

namespace McpGateway.Host.Commands;

/// <summary>
/// <c>mcpgw audit ...</c>, as typed (<see cref="RunAsync(string[], TextWriter, TextWriter, TimeProvider, CancellationToken)"/>),
/// and the work of <c>query</c>, <c>purge</c> and <c>keygen</c>. <c>verify</c> is <see cref="AuditVerifyCommand"/>;
/// <c>prove</c>, <c>consistency</c> and <c>check-proof</c>, Merkle proofs, are <see cref="AuditProofCommand"/>; <c>seal</c>
/// is <see cref="AuditSealCommand"/>. Their command lines are declared in <see cref="AuditCommands"/>.
/// </summary>
internal static class AuditCommand
{
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        RunAsync(args, output, error, TimeProvider.System, cancellationToken);

    /// <summary><c>mcpgw audit</c> with <paramref name="args"/> (after <c>audit</c>), as typed.</summary>
    /// <param name="timeProvider">The clock <c>verify</c> judges the last checkpoint's age by.</param>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, TimeProvider timeProvider, CancellationToken cancellationToken = default) =>
        MainCommand.InvokeAsync(["audit", .. args], output, error, timeProvider, cancellationToken);

    /// <param name="logId">With PostgreSQL, the one log to read (<c>--log</c>); null for every log.</param>
    /// <param name="filters">The filters given, by option name without its dashes (<see cref="AuditQuery.OptionNames"/>).</param>
    public static async Task<int> QueryAsync(string config, string? logId, IReadOnlyDictionary<string, string> filters, bool json, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var query = AuditQuery.Parse(filters, error);
        if (query is null)
        {
            return MainCommand.BadUsage;
        }

        // With PostgreSQL every log (each instance's) unless --log names one; each log records its own read, and its
        // records follow a "log ID" line (JSON: a "log" member), sequence numbers being per log.
        var logs = await ConfiguredAuditStore.OpenLogsAsync(config, "query", error, logId).ConfigureAwait(false);
        if (logs is null)
        {
            return 1;
        }

        var results = new List<(string? Log, List<StoredAuditRecord> Records)>();
        foreach (var (log, store) in logs)
        {
            await using (store as IAsyncDisposable)
            {
                var records = await query.CollectAsync(store, cancellationToken).ConfigureAwait(false);
                if (!await CommandLineAuditRead.RecordAsync(store, "audit/query", query.Scope(), records, error, cancellationToken).ConfigureAwait(false))
                {
                    return 1;
                }

                results.Add((log, records));
            }
        }

        foreach (var (log, records) in results)
        {
            if (log is not null && !json)
            {
                await output.WriteLineAsync($"log {log}").ConfigureAwait(false);
            }

            await AuditQuery.WriteAsync(records, json, output, cancellationToken, log).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>Applies the configuration's <c>audit.retention</c> now, behind an anchor signed with <c>audit.signingKeyFile</c>.</summary>
    /// <param name="progress">Told how many records are purged, chunk by chunk; null for no progress.</param>
    public static async Task<int> PurgeAsync(string config, ProgressReporter? progress, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var store = await ConfiguredAuditStore.OpenAsync(config, "purge", error).ConfigureAwait(false);
        if (store is null)
        {
            return 1;
        }

        await using (store as IAsyncDisposable)
        {
            var audit = GatewayConfiguration.LoadFile(config).Audit!;
            if (audit.Retention is not { } retention || audit.SigningKeyFile is not { } keyFile)
            {
                await error.WriteLineAsync($"mcpgw: {config} sets no audit.retention; nothing to purge").ConfigureAwait(false);
                return 1;
            }

            using var signer = CheckpointSigner.FromPemFile(keyFile);
            var (purged, first) = await RetentionService.PurgeAsync(store, signer, retention, TimeProvider.System, progress, cancellationToken).ConfigureAwait(false);
            progress?.Complete(purged);
            await output.WriteLineAsync(purged == 0
                ? $"nothing to purge; the chain starts at record {first}"
                : $"purged {purged} records; the chain now starts at record {first} behind a signed anchor").ConfigureAwait(false);
        }

        return 0;
    }

    public static async Task<int> KeygenAsync(string path, TextWriter output, TextWriter error)
    {
        if (File.Exists(path))
        {
            await error.WriteLineAsync($"mcpgw: {path} exists; not overwriting a key").ConfigureAwait(false);
            return 1;
        }

        var (privateKey, publicKey) = CheckpointSigner.GenerateKey();
        var options600 = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options600.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var file = new StreamWriter(path, options600))
        {
            await file.WriteLineAsync(privateKey).ConfigureAwait(false);
        }

        var publicPath = Path.ChangeExtension(path, ".pub.pem");
        await File.WriteAllTextAsync(publicPath, publicKey + "\n").ConfigureAwait(false);
        await output.WriteLineAsync($"private key: {path} (set audit.signingKeyFile to it)\npublic key:  {publicPath} (for mcpgw audit verify --public-key)").ConfigureAwait(false);
        return 0;
    }
}
