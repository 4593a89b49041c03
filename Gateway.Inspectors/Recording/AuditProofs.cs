using McpGateway.Core.Recording;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// Inclusion and consistency proofs from a store, against the signed tree heads (checkpoints with a root) it holds.
/// Each proof is checked against its tree head's root before it is handed out: a store whose records no longer give
/// the signed root cannot produce a proof that would pass.
/// </summary>
internal static class AuditProofs
{
    /// <summary>
    /// The inclusion proof of record <paramref name="sequence"/> in the tree head of size <paramref name="size"/>, or in
    /// the newest tree head that covers it.
    /// </summary>
    /// <exception cref="InvalidOperationException">No such tree head, the record is gone, or the records do not give the signed root.</exception>
    public static async Task<AuditProof> InclusionAsync(IAuditStore store, long sequence, long? size, CancellationToken cancellationToken)
    {
        var heads = await TreeHeadsAsync(store, cancellationToken).ConfigureAwait(false);
        var head = size is { } wanted
            ? heads.LastOrDefault(h => h.Sequence == wanted) ?? throw new InvalidOperationException($"no signed tree head of size {wanted}; {Sizes(heads)}")
            : heads.Where(h => h.Sequence >= sequence).MaxBy(h => (h.Counter, h.Sequence))
              ?? throw new InvalidOperationException($"no signed tree head covers record {sequence} yet (the next checkpoint will); {Sizes(heads)}");
        if (sequence < 1 || sequence > head.Sequence)
        {
            throw new InvalidOperationException($"record {sequence} is not in the tree of {head.Sequence} records");
        }

        var reader = new AuditTreeReader(store);
        var record = await reader.RecordAsync(sequence, cancellationToken).ConfigureAwait(false);
        var proof = new AuditProof
        {
            Type = AuditProof.InclusionType,
            Sequence = sequence,
            Leaf = new AuditLeafResolver().LeafBytes(record),
            Checkpoint = head,
            Path = await reader.SubtreesAsync(MerkleTree.InclusionRanges(sequence - 1, head.Sequence), cancellationToken).ConfigureAwait(false),
        };
        return proof.Check(null) is { } problem
            ? throw new InvalidOperationException($"the store's records do not give the signed tree head #{head.Counter} ({problem}): run `mcpgw audit verify`")
            : proof;
    }

    /// <summary>The proof that the tree head of size <paramref name="oldSize"/> is a prefix of the one of size <paramref name="newSize"/>.</summary>
    /// <exception cref="InvalidOperationException">No tree head of either size, or the records do not give their roots.</exception>
    public static async Task<AuditProof> ConsistencyAsync(IAuditStore store, long oldSize, long newSize, CancellationToken cancellationToken)
    {
        if (oldSize > newSize)
        {
            throw new InvalidOperationException($"the old size {oldSize} is larger than the new size {newSize}");
        }

        var heads = await TreeHeadsAsync(store, cancellationToken).ConfigureAwait(false);
        var old = heads.LastOrDefault(h => h.Sequence == oldSize) ?? throw new InvalidOperationException($"no signed tree head of size {oldSize}; {Sizes(heads)}");
        var current = heads.LastOrDefault(h => h.Sequence == newSize) ?? throw new InvalidOperationException($"no signed tree head of size {newSize}; {Sizes(heads)}");
        var proof = new AuditProof
        {
            Type = AuditProof.ConsistencyType,
            OldCheckpoint = old,
            Checkpoint = current,
            Path = await new AuditTreeReader(store).SubtreesAsync(MerkleTree.ConsistencyRanges(oldSize, newSize), cancellationToken).ConfigureAwait(false),
        };
        return proof.Check(null) is { } problem
            ? throw new InvalidOperationException($"the store's records do not give the signed tree heads #{old.Counter} and #{current.Counter} ({problem}): run `mcpgw audit verify`")
            : proof;
    }

    private static async Task<List<AuditCheckpoint>> TreeHeadsAsync(IAuditStore store, CancellationToken cancellationToken)
    {
        var heads = new List<AuditCheckpoint>();
        await foreach (var checkpoint in store.ReadCheckpointsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (checkpoint.Root is not null)
            {
                heads.Add(checkpoint);
            }
        }

        return heads;
    }

    private static string Sizes(List<AuditCheckpoint> heads) => heads.Count == 0
        ? "the store holds no tree heads (signed by gateways that keep the Merkle tree, with audit.signingKeyFile)"
        : "tree heads: " + string.Join(", ", heads.Select(h => h.Sequence).Distinct().TakeLast(20)) + (heads.Count > 20 ? " (the newest 20)" : "");
}
