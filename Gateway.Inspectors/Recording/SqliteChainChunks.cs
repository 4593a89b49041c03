using System.Threading.Channels;
using McpGateway.Core.Recording;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// The ranges of sequence numbers the readers of <see cref="SqliteChainReader"/> take in turn, from
/// <paramref name="from"/> up to the snapshot's <paramref name="head"/>, each at most one batch
/// (<see cref="AuditChainBatch.Capacity"/> numbers: a sequence number is a row's key, so a range never holds more rows
/// than a batch). <see cref="Claimed"/> lists them in the order they were claimed, which is sequence order, so the
/// verifier sees the records in order however the readers race. A range that turns out empty lets the next claims jump
/// to the next record (<see cref="SkipTo"/>), so a gap in the numbers costs at most one empty range per reader.
/// </summary>
internal sealed class SqliteChainChunks(long from, long head)
{
    private readonly Lock _lock = new();
    private readonly Channel<SqliteChainChunk> _claimed = Channel.CreateUnbounded<SqliteChainChunk>(new UnboundedChannelOptions { SingleReader = true });
    private long _next = from;
    private bool _done = from > head;
    private bool _stopped;

    public ChannelReader<SqliteChainChunk> Claimed => _claimed.Reader;

    /// <summary>The next range, to be read into <paramref name="batch"/>; null when none is left or the reading stopped.</summary>
    public SqliteChainChunk? Claim(AuditChainBatch batch)
    {
        lock (_lock)
        {
            if (_stopped || _done)
            {
                return null;
            }

            // In 128 bits: a forged sequence number near long.MaxValue must end the ranges, not wrap them around.
            var chunk = new SqliteChainChunk(batch, _next, (long)Int128.Min(head, (Int128)_next + (AuditChainBatch.Capacity - 1)));
            _done = chunk.Last == head;
            _next = _done ? chunk.Last : chunk.Last + 1;
            _claimed.Writer.TryWrite(chunk);
            return chunk;
        }
    }

    /// <summary>An empty range was read: no record lies before <paramref name="next"/> (null, or beyond the head: none is left).</summary>
    public void SkipTo(long? next)
    {
        lock (_lock)
        {
            if (next is not { } record || record > head)
            {
                _done = true;
            }
            else
            {
                _next = Math.Max(_next, record);
            }
        }
    }

    /// <summary>No more claims (a reader failed, or the verifier left).</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _stopped = true;
        }
    }

    /// <summary>Every reader is done: the verifier sees the end of <see cref="Claimed"/>, or <paramref name="error"/>.</summary>
    public void Complete(Exception? error) => _claimed.Writer.TryComplete(error);
}
