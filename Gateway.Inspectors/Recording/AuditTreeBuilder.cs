using McpGateway.Core.Recording;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// Rebuilds the log's Merkle tree from the records, oldest first (a store written before the tree, or one whose tree
/// edge is behind its head): the right edge for appends and the subtrees a store keeps for proofs. Refuses records that
/// do not start at 1 and follow each other: a tree over a purged or damaged store cannot be rebuilt.
/// </summary>
internal sealed class AuditTreeBuilder
{
    private readonly AuditLeafResolver _resolver = new();
    private readonly byte[] _leaf = new byte[MerkleTree.HashSize];
    private readonly Action<int, long, byte[]> _onNode;

    public AuditTreeBuilder() => _onNode = (level, index, hash) =>
    {
        if (level >= AuditTreeStorage.StoredLevel)
        {
            Nodes.Add((level, index, hash));
        }
    };

    public MerkleFrontier Tree { get; } = new();

    /// <summary>The perfect subtrees of <see cref="AuditTreeStorage.StoredLevel"/> and above completed so far.</summary>
    public List<(int Level, long Index, byte[] Hash)> Nodes { get; } = [];

    /// <exception cref="InvalidOperationException">The record is not the next one.</exception>
    public void Add(StoredAuditRecord stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (stored.Sequence != Tree.Size + 1)
        {
            throw new InvalidOperationException(Tree.Size == 0
                ? $"the audit store's records start at {stored.Sequence}, not 1 (purged before the gateway kept a Merkle tree): the tree cannot be rebuilt; export the records with `mcpgw audit query --config FILE --json` and start a new store"
                : $"the audit store lacks record {Tree.Size + 1}: the Merkle tree cannot be rebuilt; run `mcpgw audit verify`");
        }

        _resolver.Resolve(stored, _leaf);
        Tree.Append(_leaf, _onNode);
    }
}
