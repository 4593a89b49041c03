using McpGateway.Core.Configuration;
using McpGateway.Core.Recording;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// Applies <c>audit.retention</c>: at every purge interval the records older than the maximum age, or beyond the
/// maximum count, are purged behind a signed anchor. <c>mcpgw audit purge</c> runs the same purge on demand.
/// </summary>
internal sealed class RetentionService(IAuditStore store, CheckpointSigner signer, AuditRetention retention, TimeProvider timeProvider, ILogger logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(retention.PurgeInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await PurgeLoggedAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; an interrupted purge is finished by the next one.
        }
    }

    /// <summary>One purge; a failure is logged and retried at the next interval.</summary>
    public async Task PurgeLoggedAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (purged, first) = await PurgeAsync(store, signer, retention, timeProvider, cancellationToken).ConfigureAwait(false);
            if (purged > 0)
            {
                RecordingLog.Purged(logger, purged, first);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RecordingLog.PurgeFailed(logger, ex);
        }
    }

    public static Task<(long Purged, long FirstSequence)> PurgeAsync(IAuditStore store, CheckpointSigner signer, AuditRetention retention, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        PurgeAsync(store, signer, retention, timeProvider, null, cancellationToken);

    /// <param name="progress">Told after each deleted chunk how many of the records to purge are gone (<c>mcpgw audit purge</c>).</param>
    public static Task<(long Purged, long FirstSequence)> PurgeAsync(IAuditStore store, CheckpointSigner signer, AuditRetention retention, TimeProvider timeProvider, IProgress<AuditProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(signer);
        ArgumentNullException.ThrowIfNull(retention);
        var now = Micros(timeProvider.GetUtcNow());
        long? before = retention.MaxAge is { } age ? now - (age.Ticks / TimeSpan.TicksPerMicrosecond) : null;
        return store.PurgeAsync(before, retention.MaxRecords, (sequence, prevHash) => signer.SignAnchor(sequence, prevHash, now), progress, cancellationToken);
    }

    private static long Micros(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
}
