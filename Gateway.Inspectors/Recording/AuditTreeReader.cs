using System.Numerics;
using McpGateway.Core.Recording;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// Subtree hashes of a store's Merkle tree, for proofs: a perfect subtree of 256 leaves or more is read from where
/// the store keeps it; anything smaller, or missing, is computed from the records (their leaf hashes).
/// </summary>
internal sealed class AuditTreeReader(IAuditStore store)
{
    /// <summary>The hash of the subtree over leaves <c>[start, end)</c>, i.e. records <c>start + 1</c> to <c>end</c>.</summary>
    /// <exception cref="InvalidOperationException">A record it needs is not in the store (purged or deleted).</exception>
    public async Task<byte[]> SubtreeAsync(long start, long end, CancellationToken cancellationToken)
    {
        var n = end - start;
        if (BitOperations.IsPow2(n) && start % n == 0 && BitOperations.Log2((ulong)n) is var level && level >= AuditTreeStorage.StoredLevel
            && await store.ReadTreeNodeAsync(level, start >> level, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            return stored;
        }

        if (n <= AuditTreeStorage.LeavesPerTile)
        {
            var leaves = await LeavesAsync(start, end, cancellationToken).ConfigureAwait(false);
            return MerkleTree.Subtree(leaves, 0, leaves.Count);
        }

        var split = MerkleTree.Split(n);
        var left = await SubtreeAsync(start, start + split, cancellationToken).ConfigureAwait(false);
        var right = await SubtreeAsync(start + split, end, cancellationToken).ConfigureAwait(false);
        return MerkleTree.NodeHash(left, right);
    }

    /// <summary>The hashes of <paramref name="ranges"/>, in order.</summary>
    public async Task<List<byte[]>> SubtreesAsync(IEnumerable<(long Start, long End)> ranges, CancellationToken cancellationToken)
    {
        var hashes = new List<byte[]>();
        foreach (var (start, end) in ranges)
        {
            hashes.Add(await SubtreeAsync(start, end, cancellationToken).ConfigureAwait(false));
        }

        return hashes;
    }

    /// <summary>The tree's right edge over the first <paramref name="size"/> records (serialized), or null when records it needs are gone.</summary>
    public async Task<byte[]?> EdgeAsync(long size, CancellationToken cancellationToken)
    {
        try
        {
            var hashes = await SubtreesAsync(MerkleFrontier.Ranges(size), cancellationToken).ConfigureAwait(false);
            return MerkleFrontier.FromSubtrees(size, hashes).Serialize();
        }
        catch (InvalidOperationException)
        {
            // An earlier purge removed records this edge needs: the anchor goes without one.
            return null;
        }
    }

    /// <summary>The record of sequence <paramref name="sequence"/>.</summary>
    /// <exception cref="InvalidOperationException">It is not in the store.</exception>
    public async Task<StoredAuditRecord> RecordAsync(long sequence, CancellationToken cancellationToken)
    {
        await foreach (var stored in store.ReadAsync(sequence, cancellationToken).ConfigureAwait(false))
        {
            if (stored.Sequence == sequence)
            {
                return stored;
            }

            break;
        }

        throw new InvalidOperationException($"record {sequence} is not in the audit store (purged or deleted)");
    }

    private async Task<List<byte[]>> LeavesAsync(long start, long end, CancellationToken cancellationToken)
    {
        var resolver = new AuditLeafResolver();
        var leaves = new List<byte[]>((int)(end - start));
        await foreach (var stored in store.ReadAsync(start + 1, cancellationToken).ConfigureAwait(false))
        {
            if (stored.Sequence != start + 1 + leaves.Count)
            {
                break;
            }

            var leaf = new byte[MerkleTree.HashSize];
            resolver.Resolve(stored, leaf);
            leaves.Add(leaf);
            if (leaves.Count == end - start)
            {
                return leaves;
            }
        }

        throw new InvalidOperationException($"record {start + 1 + leaves.Count} is not in the audit store (purged or deleted): the proof needs it");
    }
}
