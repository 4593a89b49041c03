using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace McpGateway.Core.Buffers;

/// <summary>Gives Kestrel (its transport creates one pool per I/O queue) <see cref="BlockMemoryPool"/>s.</summary>
internal sealed class BlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new BlockMemoryPool();
}
