using System.Threading.Channels;

namespace McpGateway.Benchmarks.Recording;

/// <summary>
/// <see cref="McpGateway.Inspectors.Recording.GroupCommitWriter"/>'s loop with the commit taken out: its own thread
/// takes whatever is queued (up to 2048 records) as one group, and completes the waits the group's records carry, in
/// order. What remains is the hand-back: queueing, waking the writer, completing, and resuming the pumps.
/// </summary>
internal sealed class HandBackWriter : IDisposable
{
    private const int MaxBatch = 2048;

    private readonly Channel<HandBackEntry> _queue = Channel.CreateBounded<HandBackEntry>(new BoundedChannelOptions(1 << 16)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly Thread _thread;

    public HandBackWriter()
    {
        _thread = new Thread(WriteLoop) { IsBackground = true, Name = "hand-back writer" };
        _thread.Start();
    }

    /// <summary>Groups taken so far; read after <see cref="Dispose"/>.</summary>
    public long Groups { get; private set; }

    /// <summary>Records taken so far; read after <see cref="Dispose"/>.</summary>
    public long Records { get; private set; }

    public ValueTask EnqueueAsync(HandBackEntry entry) =>
        _queue.Writer.TryWrite(entry) ? ValueTask.CompletedTask : _queue.Writer.WriteAsync(entry);

    private void WriteLoop()
    {
        var reader = _queue.Reader;
        var batch = new List<HandBackEntry>(MaxBatch);
        while (Wait(reader.WaitToReadAsync()))
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            Groups++;
            Records += batch.Count;
            foreach (var entry in batch)
            {
                switch (entry.Waiter)
                {
                    case TaskCompletionSource task:
                        task.TrySetResult();
                        break;
                    case CommitSignal signal:
                        signal.Set();
                        break;
                }
            }

            batch.Clear();
        }
    }

    private static bool Wait(ValueTask<bool> ready) => ready.IsCompletedSuccessfully ? ready.Result : ready.AsTask().GetAwaiter().GetResult();

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _thread.Join();
    }
}
