using System.Buffers;

namespace McpGateway.Core.Buffers;

/// <summary>One block of a <see cref="BlockMemoryPool"/>; disposing it gives it back (once per rent).</summary>
internal sealed class PooledBlock(BlockMemoryPool pool, byte[] array) : IMemoryOwner<byte>
{
    private int _returned;

    public Memory<byte> Memory => array;

    internal void Rented() => _returned = 0;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _returned, 1) == 0)
        {
            pool.Return(this);
        }
    }
}
