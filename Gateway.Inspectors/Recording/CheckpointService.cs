using McpGateway.Core.Recording;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// Signs the audit chain's head at a fixed interval, also when idle, and once more when the gateway stops. The key
/// comes from a PEM file; the store only ever sees signatures.
/// </summary>
internal sealed class CheckpointService(IAuditStore store, CheckpointSigner signer, TimeSpan interval, TimeProvider timeProvider, ILogger logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await CheckpointAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync signs the final head.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await CheckpointAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Signs and stores the current head; a failure is logged and retried at the next tick.</summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (sequence, hash) = await store.ReadHeadAsync(cancellationToken).ConfigureAwait(false);
            var time = (timeProvider.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
            await store.AppendCheckpointAsync(signer.Sign(sequence, hash, time), cancellationToken).ConfigureAwait(false);
            RecordingLog.Checkpointed(logger, sequence);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RecordingLog.CheckpointFailed(logger, ex);
        }
    }
}
