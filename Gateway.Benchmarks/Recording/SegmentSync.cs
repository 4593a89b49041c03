namespace McpGateway.Benchmarks.Recording;

/// <summary>How <see cref="SegmentLogWriter"/> makes a group durable before it is acknowledged.</summary>
internal enum SegmentSync
{
    /// <summary>No flush: the write only (what the path costs in CPU, or <c>durability: normal</c>).</summary>
    None,

    /// <summary><c>fsync</c> (<see cref="RandomAccess.FlushToDisk"/>) on a segment that grows with each group.</summary>
    Fsync,

    /// <summary><c>fdatasync</c> on a segment written full of zeros when created: no size or block map to flush per group.</summary>
    Fdatasync,
}
