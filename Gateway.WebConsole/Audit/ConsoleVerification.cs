using System.Security.Cryptography;
using McpGateway.WebConsole.Access;
using McpGateway.Core.Configuration;
using McpGateway.Core.Recording;
using Microsoft.Extensions.Logging;

namespace McpGateway.WebConsole.Audit;

/// <summary>
/// Verifies the audit chain in the background as <c>mcpgw audit verify</c> does (hash chain, signed checkpoints with
/// the gateway's own key, checkpoint gaps, purge anchors), one run at a time, reporting how far it got. The run is
/// recorded as an audit read before it starts.
/// </summary>
internal sealed class ConsoleVerification(ConsoleAuditReads reads, AuditSettings audit, TimeProvider timeProvider, ILogger<ConsoleVerification> logger) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;

    public VerifyRun? Current { get; private set; }

    /// <summary>Starts a run unless one is running; false when one is.</summary>
    public async Task<bool> StartAsync(ConsolePerson person, string? remoteAddress, CancellationToken cancellationToken)
    {
        var (head, _) = await reads.Store.ReadHeadAsync(cancellationToken).ConfigureAwait(false);
        VerifyRun run;
        lock (_gate)
        {
            if (Current is { IsRunning: true })
            {
                return false;
            }

            run = new VerifyRun(person.Subject, timeProvider.GetUtcNow(), head);
            Current = run;
        }

        try
        {
            await reads.RecordAsync(person, remoteAddress, "console/verify", [new("upTo", head.ToString(System.Globalization.CultureInfo.InvariantCulture))], [], cancellationToken).ConfigureAwait(false);
        }
        catch (AuditUnavailableException)
        {
            run.Fail("the audit store cannot record this read, so the chain is not read", timeProvider.GetUtcNow());
            throw;
        }

        ConsoleLog.VerifyStarted(logger, person.Subject, head);
        _running = Task.Run(() => RunAsync(run, _stopping.Token), CancellationToken.None);
        return true;
    }

    private async Task RunAsync(VerifyRun run, CancellationToken cancellationToken)
    {
        try
        {
            using var key = audit.SigningKeyFile is { } file ? CheckpointSigner.PublicKeyFromPem(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false)) : null;
            var store = reads.Store;
            var checkpoints = await ToListAsync(store.ReadCheckpointsAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
            var anchors = await ToListAsync(store.ReadAnchorsAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
            var policy = key is null ? null : new CheckpointPolicy(timeProvider.GetUtcNow(), audit.CheckpointInterval) { Progress = run.Progress };
            var result = await AuditChainVerifier.VerifyAsync(Counted(store.ReadAsync(1, cancellationToken), run, cancellationToken), checkpoints, anchors, key, policy, cancellationToken).ConfigureAwait(false);
            run.Finish(result, timeProvider.GetUtcNow());
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            run.Fail("the gateway stopped during the verification", timeProvider.GetUtcNow());
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or InvalidOperationException or CryptographicException)
        {
            ConsoleLog.VerifyFailed(logger, ex);
            run.Fail("the audit store could not be read: " + ex.Message, timeProvider.GetUtcNow());
        }
    }

    /// <summary>Counts records as the verifier takes them (the verifier's own progress only comes every 16 384 records).</summary>
    private static async IAsyncEnumerable<StoredAuditRecord> Counted(IAsyncEnumerable<StoredAuditRecord> records, VerifyRun run, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long count = 0;
        await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (++count % 256 == 0)
            {
                run.Progress(count);
            }

            yield return record;
        }
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items, CancellationToken cancellationToken)
    {
        var list = new List<T>();
        await foreach (var item in items.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            list.Add(item);
        }

        return list;
    }

    public void Dispose()
    {
        _stopping.Cancel();
        try
        {
            _running.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Reported in the run already.
        }

        _stopping.Dispose();
    }
}
