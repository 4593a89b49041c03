using System.Globalization;
using System.Security.Cryptography;
using McpGateway.Core.Configuration;
using McpGateway.Core.Recording;
using McpGateway.Inspectors.Recording;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Host.Commands;

/// <summary>
/// <c>mcpgw audit prove SEQ</c> (an inclusion proof of a record in a signed tree head), <c>mcpgw audit consistency OLD
/// NEW</c> (the tree head of size OLD is a prefix of the one of size NEW) and <c>mcpgw audit check-proof FILE
/// --public-key PEM</c> (checks either offline, with no store). Proofs are JSON (<see cref="AuditProof"/>) on the
/// output. A proof shows a record's content, so <c>prove</c> records the read first, like <c>query</c>.
/// </summary>
internal static class AuditProofCommand
{
    public static async Task<int> ProveAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args is not [var first, .. var rest] || !long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence) || sequence < 1
            || Usage.Options(rest, "config", "store", "size", "log") is not { } options || options.ContainsKey("config") == options.ContainsKey("store"))
        {
            await error.WriteLineAsync(AuditCommand.UsageText).ConfigureAwait(false);
            return Usage.BadUsage;
        }

        long? size = null;
        if (options.TryGetValue("size", out var sizeText))
        {
            if (!long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                await error.WriteLineAsync($"mcpgw: --size {sizeText} is not a tree size").ConfigureAwait(false);
                return Usage.BadUsage;
            }

            size = parsed;
        }

        var store = await OpenAsync(options, error).ConfigureAwait(false);
        if (store is null)
        {
            return 1;
        }

        await using (store as IAsyncDisposable)
        {
            AuditProof proof;
            try
            {
                proof = await AuditProofs.InclusionAsync(store, sequence, size, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                await error.WriteLineAsync($"mcpgw: cannot prove record {sequence}: {ex.Message}").ConfigureAwait(false);
                return 1;
            }

            var record = await new AuditTreeReader(store).RecordAsync(sequence, cancellationToken).ConfigureAwait(false);
            var scope = new[] { new KeyValuePair<string, string>("prove", sequence.ToString(CultureInfo.InvariantCulture)) };
            if (!await CommandLineAuditRead.RecordAsync(store, "audit/prove", scope, [record], error, cancellationToken).ConfigureAwait(false))
            {
                return 1;
            }

            await output.WriteAsync(proof.Write()).ConfigureAwait(false);
        }

        return 0;
    }

    public static async Task<int> ConsistencyAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args is not [var oldText, var newText, .. var rest]
            || !long.TryParse(oldText, NumberStyles.None, CultureInfo.InvariantCulture, out var oldSize)
            || !long.TryParse(newText, NumberStyles.None, CultureInfo.InvariantCulture, out var newSize)
            || Usage.Options(rest, "config", "store", "log") is not { } options || options.ContainsKey("config") == options.ContainsKey("store"))
        {
            await error.WriteLineAsync(AuditCommand.UsageText).ConfigureAwait(false);
            return Usage.BadUsage;
        }

        var store = await OpenAsync(options, error).ConfigureAwait(false);
        if (store is null)
        {
            return 1;
        }

        await using (store as IAsyncDisposable)
        {
            try
            {
                var proof = await AuditProofs.ConsistencyAsync(store, oldSize, newSize, cancellationToken).ConfigureAwait(false);
                await output.WriteAsync(proof.Write()).ConfigureAwait(false);
                return 0;
            }
            catch (InvalidOperationException ex)
            {
                await error.WriteLineAsync($"mcpgw: cannot prove {oldSize} consistent with {newSize}: {ex.Message}").ConfigureAwait(false);
                return 1;
            }
        }
    }

    /// <summary>Checks a proof file offline: exit 0 when it holds, 1 when not (saying why), 2 on bad usage.</summary>
    public static async Task<int> CheckAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args is not [var file, .. var rest] || file.StartsWith("--", StringComparison.Ordinal)
            || Usage.Options(rest, "public-key") is not { } options || !options.TryGetValue("public-key", out var keyFile))
        {
            await error.WriteLineAsync(AuditCommand.UsageText).ConfigureAwait(false);
            return Usage.BadUsage;
        }

        AuditProof proof;
        ECDsa key;
        try
        {
            proof = AuditProof.Read(file == "-" ? await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false) : await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            await error.WriteLineAsync($"mcpgw: cannot read the proof {file}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        try
        {
            key = CheckpointSigner.PublicKeyFromPem(await File.ReadAllTextAsync(keyFile, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or CryptographicException)
        {
            await error.WriteLineAsync($"mcpgw: cannot use {keyFile} as the checkpoint public key: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        using (key)
        {
            if (proof.Check(key) is { } problem)
            {
                await output.WriteLineAsync($"proof {file}: does not verify: {problem}").ConfigureAwait(false);
                return 1;
            }
        }

        var head = proof.Checkpoint;
        await output.WriteLineAsync(proof.Type == AuditProof.InclusionType
            ? string.Create(CultureInfo.InvariantCulture, $"proof {file}: verifies: record {proof.Sequence} is in the log of {head.Sequence} records signed by checkpoint #{head.Counter} at {Time(head.TimeMicros)}, root {Convert.ToHexStringLower(head.Root!)}")
            : string.Create(CultureInfo.InvariantCulture, $"proof {file}: verifies: the log of {proof.OldCheckpoint!.Sequence} records (checkpoint #{proof.OldCheckpoint.Counter}) is a prefix of the log of {head.Sequence} records (checkpoint #{head.Counter}): nothing in it was removed or rewritten")).ConfigureAwait(false);
        return 0;
    }

    private static async Task<IAuditStore?> OpenAsync(Dictionary<string, string> options, TextWriter error)
    {
        if (options.TryGetValue("config", out var config))
        {
            // A sequence number is one log's: with several PostgreSQL logs, --log names it.
            return await ConfiguredAuditStore.OpenAsync(config, "prove from", error, options.GetValueOrDefault("log"), oneLog: true).ConfigureAwait(false);
        }

        var path = Path.GetFullPath(options["store"]);
        if (!File.Exists(path))
        {
            await error.WriteLineAsync($"mcpgw: audit store {path} does not exist").ConfigureAwait(false);
            return null;
        }

        return AuditStores.Create(new AuditSettings(path, AuditSettings.DefaultQueueCapacity, AuditSettings.DefaultEnqueueTimeout), TimeProvider.System, NullLogger.Instance);
    }

    private static string Time(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
