using System.Globalization;
using McpGateway.Core.Configuration;
using McpGateway.Core.Recording;
using McpGateway.Inspectors;
using McpGateway.Inspectors.Recording;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Host.Commands;

/// <summary>
/// <c>mcpgw audit seal --config FILE --log ID</c>: the final checkpoint of a PostgreSQL log whose instance is gone for
/// good (retired, or killed and replaced under another log id). Such a log ends on a checkpoint that is neither final
/// nor recent, which <c>audit verify</c> reports as <c>truncated</c>; an instance that comes back under its log id seals
/// nothing and continues it. Sealing signs the log's head as a stop checkpoint with the configuration's key, under the
/// log's lock, as the instance would have when stopping; records it had written after its last checkpoint are then
/// vouched for late, which verify reports as a warning, as after a restart. A log that was checkpointed within the
/// interval plus slack is left alone: its instance may be running.
/// </summary>
internal static class AuditSealCommand
{
    /// <param name="config">The configuration file of the store and of the signing key (<c>--config</c>).</param>
    /// <param name="log">The log to seal (<c>--log</c>).</param>
    public static async Task<int> RunAsync(string config, string log, TextWriter output, TextWriter error, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        AuditSettings audit;
        try
        {
            audit = GatewayConfiguration.LoadFile(config).Audit ?? throw new InvalidConfigurationException([$"{config} has no audit section"]);
        }
        catch (InvalidConfigurationException ex)
        {
            await error.WriteLineAsync($"mcpgw: {config} is invalid: {string.Join("; ", ex.Errors)}").ConfigureAwait(false);
            return 1;
        }

        if (audit.PostgresConnectionString is not { } connectionString || audit.SigningKeyFile is not { } keyFile)
        {
            await error.WriteLineAsync($"mcpgw: sealing is for a PostgreSQL audit store with signed checkpoints; {config} sets no audit.connectionString or no audit.signingKeyFile").ConfigureAwait(false);
            return 1;
        }

        var logs = await PostgresAuditLogs.ListAsync(connectionString, cancellationToken).ConfigureAwait(false);
        if (!logs.Contains(log))
        {
            await error.WriteLineAsync(ConfiguredAuditStore.NoSuchLog(log, logs)).ConfigureAwait(false);
            return 1;
        }

        using var signer = CheckpointSigner.FromPemFile(keyFile);
        var store = AuditStores.Create(audit with { LogId = log }, timeProvider, NullLogger.Instance);
        await using (store as IAsyncDisposable)
        {
            var now = (timeProvider.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
            string? refusal = null;
            AuditCheckpoint checkpoint;
            try
            {
                checkpoint = await store.AppendTreeHeadAsync(
                    (head, previous) =>
                    {
                        // Under the log's lock: nothing moves the head or the newest checkpoint until it is stored.
                        refusal = previous switch
                        {
                            { Kind: CheckpointKind.Stop } when previous.Sequence == head.Size => "it is sealed already: its last checkpoint is its instance's final one",
                            { } last when now <= last.TimeMicros + CheckpointPolicy.AllowanceMicros(last.IntervalMillis > 0 ? TimeSpan.FromMilliseconds(last.IntervalMillis) : audit.CheckpointInterval)
                                => "it was checkpointed within its interval plus slack: its instance may be running",
                            _ => null,
                        };
                        return refusal is null ? signer.SignTreeHead(head, now, previous, CheckpointKind.Stop, audit.CheckpointInterval) : throw new InvalidOperationException(refusal);
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException) when (refusal is not null)
            {
                await error.WriteLineAsync($"mcpgw: log {log} left as it is: {refusal}").ConfigureAwait(false);
                return 1;
            }

            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"log {log}: sealed at record {checkpoint.Sequence} (checkpoint #{checkpoint.Counter}, final)")).ConfigureAwait(false);
            return 0;
        }
    }
}
