using BenchmarkDotNet.Attributes;

namespace McpGateway.Benchmarks.Recording;

/// <summary>
/// The writer-to-pump hand-back per record, with nothing to commit: <see cref="Pumps"/> pumps each queue a read batch of
/// <see cref="FramesPerRead"/> records and wait for its commit, again and again, while one writer thread
/// (<see cref="HandBackWriter"/>) takes what is queued as a group and completes the waits. One operation is one record.
/// <see cref="TaskPerRecord"/> is today's shape (a <see cref="TaskCompletionSource"/> per record, continuations run
/// asynchronously, the pump awaiting each of its records in turn, with the session's token when one is still pending);
/// the others wait once per read batch: a task per batch, or one reusable <see cref="CommitSignal"/> per pump whose
/// continuation runs on the pool or inline on the writer's thread. Wall time on the whole machine: pumps and writer
/// share its cores, so the cost includes the thread switches.
/// </summary>
[MemoryDiagnoser]
public class CommitHandBackBenchmarks : IDisposable
{
    public const int FramesPerRead = 16;
    public const int RecordsPerInvoke = 1 << 16;

    private readonly CancellationTokenSource _session = new();
    private HandBackWriter _writer = null!;
    private Task[] _pumps = null!;

    /// <summary>1: every group is one read batch (two thread switches per 16 records); 16 and 256: the load driver's connections.</summary>
    [Params(1, 16, 256)]
    public int Pumps { get; set; }

    private int Reads => RecordsPerInvoke / (Pumps * FramesPerRead);

    [GlobalSetup]
    public void Setup()
    {
        _writer = new HandBackWriter();
        _pumps = new Task[Pumps];
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _writer.Dispose();
        Console.WriteLine($"// hand-back: {_writer.Records} records in {_writer.Groups} groups, {(double)_writer.Records / Math.Max(1, _writer.Groups):N1} per group");
        _session.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = RecordsPerInvoke)]
    public Task TaskPerRecord() => RunPumps(() => TaskPerRecordAsync(TaskCreationOptions.RunContinuationsAsynchronously));

    [Benchmark(OperationsPerInvoke = RecordsPerInvoke)]
    public Task TaskPerRecordInline() => RunPumps(() => TaskPerRecordAsync(TaskCreationOptions.None));

    [Benchmark(OperationsPerInvoke = RecordsPerInvoke)]
    public Task TaskPerRead() => RunPumps(TaskPerReadAsync);

    [Benchmark(OperationsPerInvoke = RecordsPerInvoke)]
    public Task SignalPerPump() => RunPumps(() => SignalPerPumpAsync(new CommitSignal(runContinuationsAsynchronously: true)));

    [Benchmark(OperationsPerInvoke = RecordsPerInvoke)]
    public Task SignalPerPumpInline() => RunPumps(() => SignalPerPumpAsync(new CommitSignal(runContinuationsAsynchronously: false)));

    private Task RunPumps(Func<Task> pump)
    {
        for (var p = 0; p < Pumps; p++)
        {
            _pumps[p] = Task.Run(pump);
        }

        return Task.WhenAll(_pumps);
    }

    /// <summary>As the session does today: a waiter per record, each awaited in turn (with the session's token if still pending).</summary>
    private async Task TaskPerRecordAsync(TaskCreationOptions options)
    {
        var pending = new TaskCompletionSource[FramesPerRead];
        var token = _session.Token;
        for (var read = 0; read < Reads; read++)
        {
            for (var f = 0; f < FramesPerRead; f++)
            {
                pending[f] = new TaskCompletionSource(options);
                await _writer.EnqueueAsync(new HandBackEntry(f, pending[f])).ConfigureAwait(false);
            }

            foreach (var waiter in pending)
            {
                var task = waiter.Task;
                await (task.IsCompleted ? task : task.WaitAsync(token)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One task per read batch, carried by its last record: the group commits the batch's records in order, so the last one's commit covers them all.</summary>
    private async Task TaskPerReadAsync()
    {
        for (var read = 0; read < Reads; read++)
        {
            var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            for (var f = 0; f < FramesPerRead; f++)
            {
                await _writer.EnqueueAsync(new HandBackEntry(f, f == FramesPerRead - 1 ? committed : null)).ConfigureAwait(false);
            }

            await committed.Task.ConfigureAwait(false);
        }
    }

    /// <summary>One reusable signal per pump, set once per read batch.</summary>
    private async Task SignalPerPumpAsync(CommitSignal signal)
    {
        for (var read = 0; read < Reads; read++)
        {
            for (var f = 0; f < FramesPerRead; f++)
            {
                await _writer.EnqueueAsync(new HandBackEntry(f, f == FramesPerRead - 1 ? signal : null)).ConfigureAwait(false);
            }

            await signal.WaitAsync().ConfigureAwait(false);
        }
    }
}
