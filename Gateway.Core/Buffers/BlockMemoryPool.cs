using System.Buffers;
using System.Collections.Concurrent;

namespace McpGateway.Core.Buffers;

/// <summary>
/// Fixed-size pinned blocks for the transport's pipes, larger than Kestrel's 4 KiB: a socket read fills at most one
/// block, so with 4 KiB blocks a batch of sixteen 256-byte frames (4,112 bytes) took two reads and was relayed as two
/// batches, two sends. A freed block is kept for reuse up to <see cref="MaxRetained"/>, beyond that left to the GC.
/// </summary>
internal sealed class BlockMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 16 * 1024;

    /// <summary>Blocks kept for reuse at most (4 MiB): enough for the buffers in use at once under load.</summary>
    public const int MaxRetained = 256;

    private readonly ConcurrentQueue<PooledBlock> _free = new();
    private int _retained;
    private volatile bool _disposed;

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        if (_free.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _retained);
            block.Rented();
            return block;
        }

        return new PooledBlock(this, GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true));
    }

    /// <summary>Called once per rent, by the block's Dispose.</summary>
    internal void Return(PooledBlock block)
    {
        if (_disposed || Interlocked.Increment(ref _retained) > MaxRetained)
        {
            Interlocked.Decrement(ref _retained);
            return;
        }

        _free.Enqueue(block);
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _free.Clear();
    }
}
