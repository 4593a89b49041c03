using McpGateway.Core.Recording;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// What a store keeps of the log's Merkle tree: every perfect subtree of <c>2^StoredLevel</c> leaves and more (one
/// row per 128 records, all levels together), and the right edge at the head (one row, rewritten by each commit).
/// Smaller subtrees are recomputed from at most 256 records when a proof needs them.
/// </summary>
internal static class AuditTreeStorage
{
    public const int StoredLevel = 8;

    /// <summary>How many leaves a subtree below <see cref="StoredLevel"/> has at most: computed from its records.</summary>
    public const int LeavesPerTile = 1 << StoredLevel;
}
