using System.Security.Cryptography;
using McpGateway.Core.Configuration;
using McpGateway.Core.Recording;
using McpGateway.Inspectors.Recording;
using Microsoft.Data.Sqlite;

namespace McpGateway.Host.Commands;

/// <summary>
/// <c>mcpgw audit verify --config FILE | --store PATH [--public-key PEM]</c>: recompute the audit store's hash chain,
/// check the signed checkpoints, and report every break (exit 1). <c>mcpgw audit keygen --out FILE</c>: a new
/// checkpoint signing key.
/// </summary>
internal static class AuditCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        switch (args)
        {
            case ["keygen", .. var keygen]:
                return await KeygenAsync(keygen, output, error).ConfigureAwait(false);
            case ["verify", .. var verify]:
                return await VerifyAsync(verify, output, error, cancellationToken).ConfigureAwait(false);
            case ["query", .. var query]:
                return await QueryAsync(query, output, error, cancellationToken).ConfigureAwait(false);
            case ["purge", .. var purge]:
                return await PurgeAsync(purge, output, error, cancellationToken).ConfigureAwait(false);
            default:
                await error.WriteLineAsync(UsageText).ConfigureAwait(false);
                return Usage.BadUsage;
        }
    }

    private const string UsageText =
        "usage: mcpgw audit verify --config FILE | --store PATH [--public-key PEM]\n" +
        "       mcpgw audit query --config FILE [--subject S] [--group G] [--connection C] [--tool T] [--verdict V] [--since TIME] [--until TIME] [--after SEQ] [--limit N] [--json]\n" +
        "       mcpgw audit purge --config FILE\n" +
        "       mcpgw audit keygen --out FILE";

    private static async Task<int> QueryAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var json = args.Contains("--json");
        var options = Usage.Options([.. args.Where(a => a != "--json")], ["config", .. AuditQuery.OptionNames]);
        if (options is null || !options.TryGetValue("config", out var config))
        {
            await error.WriteLineAsync(UsageText).ConfigureAwait(false);
            return Usage.BadUsage;
        }

        var query = AuditQuery.Parse(options, error);
        if (query is null)
        {
            return Usage.BadUsage;
        }

        var store = await ConfiguredAuditStore.OpenAsync(config, "query", error).ConfigureAwait(false);
        if (store is null)
        {
            return 1;
        }

        await using (store as IAsyncDisposable)
        {
            var records = await query.CollectAsync(store, cancellationToken).ConfigureAwait(false);
            if (!await CommandLineAuditRead.RecordAsync(store, "audit/query", query.Scope(), records, error, cancellationToken).ConfigureAwait(false))
            {
                return 1;
            }

            await AuditQuery.WriteAsync(records, json, output, cancellationToken).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>Applies the configuration's <c>audit.retention</c> now, behind an anchor signed with <c>audit.signingKeyFile</c>.</summary>
    private static async Task<int> PurgeAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var options = Usage.Options(args, "config");
        if (options is null || !options.TryGetValue("config", out var config))
        {
            await error.WriteLineAsync(UsageText).ConfigureAwait(false);
            return Usage.BadUsage;
        }

        var store = await ConfiguredAuditStore.OpenAsync(config, "purge", error).ConfigureAwait(false);
        if (store is null)
        {
            return 1;
        }

        await using (store as IAsyncDisposable)
        {
            var audit = GatewaySettingsLoader.LoadFile(config).Audit!;
            if (audit.Retention is not { } retention || audit.SigningKeyFile is not { } keyFile)
            {
                await error.WriteLineAsync($"mcpgw: {config} sets no audit.retention; nothing to purge").ConfigureAwait(false);
                return 1;
            }

            using var signer = CheckpointSigner.FromPemFile(keyFile);
            var (purged, first) = await RetentionService.PurgeAsync(store, signer, retention, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(purged == 0
                ? $"nothing to purge; the chain starts at record {first}"
                : $"purged {purged} records; the chain now starts at record {first} behind a signed anchor").ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task<int> KeygenAsync(string[] args, TextWriter output, TextWriter error)
    {
        var options = Usage.Options(args, "out");
        if (options is null || !options.TryGetValue("out", out var path))
        {
            await error.WriteLineAsync(UsageText).ConfigureAwait(false);
            return Usage.BadUsage;
        }

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

    private static async Task<int> VerifyAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var options = Usage.Options(args, "config", "store", "public-key");
        if (options is null || options.ContainsKey("config") == options.ContainsKey("store"))
        {
            await error.WriteLineAsync(UsageText).ConfigureAwait(false);
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
                settings = GatewaySettingsLoader.LoadFile(options["config"]);
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
        AuditVerification verification;
        List<AuditAnchor> anchors;
        if (audit.PostgresConnectionString is null)
        {
            await using var connection = new SqliteConnection(SqliteAuditStore.ConnectionString(path, SqliteOpenMode.ReadOnly));
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var checkpoints = await SqliteAuditStore.ReadCheckpointsAsync(connection, cancellationToken).ConfigureAwait(false);
            anchors = await SqliteAuditStore.ReadAnchorsAsync(connection, cancellationToken).ConfigureAwait(false);
            verification = await AuditChainVerifier.VerifyAsync(SqliteAuditStore.ReadAllAsync(connection, 1, cancellationToken), checkpoints, anchors, publicKey, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var postgres = AuditStores.Create(audit, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
            await using (postgres as IAsyncDisposable)
            {
                var checkpoints = await postgres.ReadCheckpointsAsync(cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
                anchors = await postgres.ReadAnchorsAsync(cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
                verification = await AuditChainVerifier.VerifyAsync(postgres.ReadAsync(1, cancellationToken), checkpoints, anchors, publicKey, cancellationToken).ConfigureAwait(false);
            }
        }

        await output.WriteLineAsync(verification.CheckpointsVerified is { } checkedCount
            ? $"checkpoints: {checkedCount} checked, the last vouches for record {verification.LastCheckpoint}"
            : "checkpoints: not checked (no public key); truncation cannot be detected").ConfigureAwait(false);
        if (verification.PurgedBefore > 0)
        {
            await output.WriteLineAsync($"retention: records before {verification.PurgedBefore} were purged (signed anchor)").ConfigureAwait(false);
        }
        else if (publicKey is null && anchors.Count > 0)
        {
            await output.WriteLineAsync($"retention: {anchors.Count} purge anchors not checked (no public key); purged records are reported as deleted").ConfigureAwait(false);
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
}
