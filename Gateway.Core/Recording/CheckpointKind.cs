namespace McpGateway.Core.Recording;

/// <summary>Why a linked checkpoint was signed; part of what its signature covers.</summary>
internal enum CheckpointKind
{
    /// <summary>The interval passed.</summary>
    Periodic = 0,

    /// <summary>The gateway started: it covers what an earlier run wrote after its last checkpoint (after a crash).</summary>
    Start = 1,

    /// <summary>The gateway stopped in order: nothing after it until the next <see cref="Start"/>.</summary>
    Stop = 2,
}
