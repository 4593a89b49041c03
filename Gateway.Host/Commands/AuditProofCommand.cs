using System.Globalization;
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
    /// <param name="sequence">The record to prove (<c>SEQ</c>, 1 or more).</param>
    /// <param name="size">The tree to prove it in (<c>--size</c>); null for the newest signed tree head.</param>
    public static async Task<int> ProveAsync(AuditStoreSource source, long sequence, long? size, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var store = await OpenAsync(source, error).ConfigureAwait(false);
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

    public static async Task<int> ConsistencyAsync(AuditStoreSource source, long oldSize, long newSize, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var store = await OpenAsync(source, error).ConfigureAwait(false);
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

    /// <summary>Checks a proof offline: exit 0 when it holds, 1 when not or when it or the key cannot be read (saying why).</summary>
    /// <param name="file">The proof's file, or <c>-</c> for the standard input.</param>
    /// <param name="keyFile">The checkpoint public key (<c>--public-key</c>).</param>
    public static async Task<int> CheckAsync(string file, string keyFile, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        AuditProof proof;
        try
        {
            proof = AuditProof.Read(file == "-" ? await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false) : await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            await error.WriteLineAsync($"mcpgw: cannot read the proof {file}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }

        if (await CheckpointPublicKey.ReadAsync(keyFile, error, cancellationToken).ConfigureAwait(false) is not { } key)
        {
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

    private static async Task<IAuditStore?> OpenAsync(AuditStoreSource source, TextWriter error)
    {
        if (source.Config is { } config)
        {
            // A sequence number is one log's: with several PostgreSQL logs, --log names it.
            return await ConfiguredAuditStore.OpenAsync(config, "prove from", error, source.Log, oneLog: true).ConfigureAwait(false);
        }

        var path = Path.GetFullPath(source.Store!);
        if (!File.Exists(path))
        {
            await error.WriteLineAsync($"mcpgw: audit store {path} does not exist").ConfigureAwait(false);
            return null;
        }

        return AuditStores.Create(new AuditSettings(path, AuditSettings.DefaultQueueCapacity, AuditSettings.DefaultEnqueueTimeout), TimeProvider.System, NullLogger.Instance);
    }

    private static string Time(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
