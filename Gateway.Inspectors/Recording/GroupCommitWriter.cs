using System.Diagnostics.Metrics;
using System.Threading.Channels;
using McpGateway.Core.Recording;
using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// Group commit: callers seal their records (leaf bytes and leaf hash, <see cref="SealedAuditRecord"/>) in their own
/// threads, put them in a bounded queue and await their commit; one writer thread takes whatever is queued (up to
/// <see cref="MaxBatch"/>) and commits it in one transaction, doing only what needs the order (sequence, link, tree). A full queue pushes back for at most the
/// enqueue timeout, then refuses: nothing is dropped silently.
/// </summary>
internal sealed class GroupCommitWriter : IAsyncDisposable
{
    public const int MaxBatch = 2048;

    private readonly Channel<PendingAppend> _queue;
    private readonly IAuditBatchSink _sink;
    private readonly TimeSpan _enqueueTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Histogram<double>? _commitDuration;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _depth;
    private volatile bool _available = true;

    public GroupCommitWriter(IAuditBatchSink sink, int capacity, TimeSpan enqueueTimeout, TimeProvider timeProvider, ILogger logger, Meter? meter)
    {
        _sink = sink;
        _enqueueTimeout = enqueueTimeout;
        _timeProvider = timeProvider;
        _logger = logger;
        _queue = Channel.CreateBounded<PendingAppend>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        if (meter is not null)
        {
            meter.CreateObservableGauge("mcpgw.audit.queue.depth", () => Volatile.Read(ref _depth), "{record}", "Audit records waiting for their commit");
            _commitDuration = meter.CreateHistogram<double>("mcpgw.audit.commit.duration", "s", "Time to commit one batch of audit records");
        }

        // Its own thread, not the thread pool's: each commit releases the pumps' continuations into the pool's queue,
        // and a writer waiting in that queue behind them would stall every pump's next commit (the serial step of
        // recording). It blocks only on the queue and on the store.
        new Thread(WriteLoop) { IsBackground = true, Name = "mcpgw audit writer" }.Start();
    }

    /// <summary>False after a failed commit, until one succeeds again.</summary>
    public bool IsAvailable => _available;

    public long QueueDepth => Volatile.Read(ref _depth);

    public void MarkAvailable()
    {
        if (!_available)
        {
            _available = true;
            RecordingLog.Recovered(_logger, _sink.Description);
        }
    }

    /// <summary>
    /// Queues <paramref name="record"/> and completes when its batch is committed. <paramref name="cancellationToken"/>
    /// stops the wait for room in a full queue and for the commit; once queued, the record is committed or failed by
    /// the writer either way. With a token that cannot be cancelled (a relayed frame's: its pump waits for the
    /// commit with the session's token), nothing is allocated beyond the queue entry.
    /// </summary>
    public ValueTask AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        var pending = new PendingAppend(SealedAuditRecord.Seal(record));
        Interlocked.Increment(ref _depth);
        if (!_queue.Writer.TryWrite(pending))
        {
            return EnqueueAsync(pending, cancellationToken);
        }

        return cancellationToken.CanBeCanceled ? new ValueTask(pending.Task.WaitAsync(cancellationToken)) : new ValueTask(pending.Task);
    }

    /// <summary>The queue is full: push back for at most the enqueue timeout, then refuse.</summary>
    private async ValueTask EnqueueAsync(PendingAppend pending, CancellationToken cancellationToken)
    {
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(_enqueueTimeout);
            try
            {
                await _queue.Writer.WriteAsync(pending, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                Interlocked.Decrement(ref _depth);
                RecordingLog.QueueFull(_logger, _enqueueTimeout);
                throw new AuditUnavailableException("the audit queue is full");
            }
            catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
            {
                Interlocked.Decrement(ref _depth);
                throw new AuditUnavailableException("the audit store is closing", ex);
            }
        }

        await pending.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void WriteLoop()
    {
        try
        {
            WriteAll();
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    private void WriteAll()
    {
        var reader = _queue.Reader;
        var batch = new List<PendingAppend>(MaxBatch);
        var records = new List<SealedAuditRecord>(MaxBatch);
        try
        {
            while (Wait(reader.WaitToReadAsync(CancellationToken.None)))
            {
                while (batch.Count < MaxBatch && reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                    records.Add(pending.Sealed);
                }

                var started = _timeProvider.GetTimestamp();
                try
                {
                    _sink.CommitSealedAsync(records, _stopping.Token).GetAwaiter().GetResult();
                    MarkAvailable();
                    foreach (var pending in batch)
                    {
                        pending.TrySetResult();
                    }
                }
                catch (Exception ex)
                {
                    if (_available)
                    {
                        RecordingLog.CommitFailed(_logger, _sink.Description, batch.Count, ex);
                    }

                    _available = false;
                    var failure = new AuditUnavailableException("the audit store could not commit", ex);
                    foreach (var pending in batch)
                    {
                        pending.TrySetException(failure);
                    }
                }
                finally
                {
                    _commitDuration?.Record(_timeProvider.GetElapsedTime(started).TotalSeconds);
                    Interlocked.Add(ref _depth, -batch.Count);
                    batch.Clear();
                    records.Clear();
                }
            }
        }
        catch (ChannelClosedException)
        {
            // Completed by DisposeAsync.
        }
    }

    private static bool Wait(ValueTask<bool> ready) => ready.IsCompletedSuccessfully ? ready.Result : ready.AsTask().GetAwaiter().GetResult();

    /// <summary>Commits what is queued, then stops the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopped.Task.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
