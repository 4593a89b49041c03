using McpGateway.Core.Recording;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// Signs the audit log's tree head (the chain's head and the Merkle root over every record to it) when the gateway starts, at a fixed interval (also when idle), and once more when it
/// stops; each checkpoint links to the one before it (<see cref="CheckpointSigner.SignLinked"/>) and says which of the
/// three it is. Each is then handed to every anchor outside the store. The key comes from a PEM file; the store only
/// ever sees signatures. The final checkpoint is signed once every hosted service has stopped (the listener has drained
/// its sessions and their last records are in), so it covers the head.
/// </summary>
internal sealed class CheckpointService(IAuditStore store, CheckpointSigner signer, TimeSpan interval, TimeProvider timeProvider, ILogger logger, IReadOnlyList<ICheckpointAnchor>? anchors = null) : BackgroundService, IHostedLifecycleService
{
    private readonly IReadOnlyList<ICheckpointAnchor> _anchors = anchors ?? [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await CheckpointAsync(CheckpointKind.Periodic, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync signs the final head.
        }
    }

    /// <summary>
    /// Before any hosted service starts (the listener takes no session before it): the start checkpoint, which vouches
    /// for what a run that died wrote after its last checkpoint, also when this run is stopped again at once.
    /// </summary>
    public Task StartingAsync(CancellationToken cancellationToken) => CheckpointAsync(CheckpointKind.Start, cancellationToken);

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>After every hosted service stopped: the final checkpoint, then the anchors send what they still hold.</summary>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        await CheckpointAsync(CheckpointKind.Stop, cancellationToken).ConfigureAwait(false);
        foreach (var anchor in _anchors.OfType<IAsyncDisposable>())
        {
            await anchor.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Signs and stores the current head, then anchors it; a failure is logged and retried at the next tick.</summary>
    private async Task CheckpointAsync(CheckpointKind kind, CancellationToken cancellationToken)
    {
        AuditCheckpoint checkpoint;
        try
        {
            var time = (timeProvider.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
            checkpoint = await store.AppendTreeHeadAsync(
                (head, previous) => signer.SignTreeHead(head, time, previous, kind, interval),
                cancellationToken).ConfigureAwait(false);
            RecordingLog.Checkpointed(logger, checkpoint.Sequence);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            RecordingLog.CheckpointFailed(logger, ex);
            return;
        }

        foreach (var anchor in _anchors)
        {
            try
            {
                await anchor.WriteAsync(checkpoint, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                RecordingLog.AnchorFailed(logger, checkpoint.Counter ?? 0, anchor.Description, ex);
            }
        }
    }
}
