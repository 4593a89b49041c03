namespace McpGateway.Inspectors.Masking;

/// <summary>
/// Where one sieve pass of <see cref="MaskPrefilter"/> stands: the run bits of the block before (for runs across the
/// boundary), the shape windows already checked, and the index of the last (tail) window.
/// </summary>
internal struct SieveScan(int lastWindow)
{
    public ulong Previous { get; set; }

    public int Verified { get; set; } = -1;

    public int LastWindow { get; } = lastWindow;
}
