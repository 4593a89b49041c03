using System.Numerics;
using System.Security.Cryptography;

namespace McpGateway.Core.Recording;

/// <summary>
/// The right edge of a growing <see cref="MerkleTree"/>: one perfect subtree hash per set bit of the size (a compact
/// range from leaf 0), enough to append leaves and compute the root without the leaves before. Appending a leaf
/// merges equal-height subtrees; each perfect subtree completed on the way is reported, so a store keeps the ones
/// proofs will need. Nothing is allocated per leaf.
/// </summary>
internal sealed class MerkleFrontier
{
    private const int Levels = 64;

    private readonly byte[] _nodes = new byte[Levels * MerkleTree.HashSize];

    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long Size { get; private set; }

    /// <summary>Appends one leaf; <paramref name="completed"/> hears (level, index, hash) of every perfect subtree it completes above the leaf.</summary>
    public void Append(ReadOnlySpan<byte> leafHash, Action<int, long, byte[]>? completed = null)
    {
        Span<byte> hash = stackalloc byte[MerkleTree.HashSize];
        leafHash.CopyTo(hash);
        var level = 0;
        while (((Size >> level) & 1) == 1)
        {
            MerkleTree.NodeHash(_sha, Node(level), hash, hash);
            level++;
            completed?.Invoke(level, Size >> level, hash.ToArray());
        }

        hash.CopyTo(Node(level));
        Size++;
    }

    /// <summary>The root of the tree so far (<see cref="MerkleTree.EmptyRoot"/> when empty).</summary>
    public byte[] Root()
    {
        if (Size == 0)
        {
            return MerkleTree.EmptyRoot;
        }

        var level = BitOperations.TrailingZeroCount(Size);
        var root = Node(level).ToArray();
        for (level++; level < Levels; level++)
        {
            if (((Size >> level) & 1) == 1)
            {
                MerkleTree.NodeHash(Node(level), root, root);
            }
        }

        return root;
    }

    /// <summary>
    /// The subtrees of the compact range, highest first: for each set bit of the size, the perfect subtree of that
    /// level which covers the leaves just before the lower ones. Stores keep them with the head.
    /// </summary>
    public byte[] Serialize()
    {
        var bits = BitOperations.PopCount((ulong)Size);
        var bytes = new byte[bits * MerkleTree.HashSize];
        var at = 0;
        for (var level = Levels - 1; level >= 0; level--)
        {
            if (((Size >> level) & 1) == 1)
            {
                Node(level).CopyTo(bytes.AsSpan(at));
                at += MerkleTree.HashSize;
            }
        }

        return bytes;
    }

    /// <summary>A frontier for <paramref name="size"/> leaves from what <see cref="Serialize"/> wrote.</summary>
    /// <exception cref="FormatException">The bytes do not hold one hash per set bit of the size.</exception>
    public static MerkleFrontier Deserialize(long size, ReadOnlySpan<byte> bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (bytes.Length != BitOperations.PopCount((ulong)size) * MerkleTree.HashSize)
        {
            throw new FormatException($"a tree edge of {size} leaves holds {BitOperations.PopCount((ulong)size)} hashes, not {bytes.Length} bytes");
        }

        var frontier = new MerkleFrontier { Size = size };
        var at = 0;
        for (var level = Levels - 1; level >= 0; level--)
        {
            if (((size >> level) & 1) == 1)
            {
                bytes.Slice(at, MerkleTree.HashSize).CopyTo(frontier.Node(level));
                at += MerkleTree.HashSize;
            }
        }

        return frontier;
    }

    /// <summary>
    /// The leaf ranges of the perfect subtrees a frontier of <paramref name="size"/> leaves holds, highest first (what
    /// <see cref="FromSubtrees"/> takes, in that order).
    /// </summary>
    public static List<(long Start, long End)> Ranges(long size)
    {
        var ranges = new List<(long, long)>();
        var start = 0L;
        for (var level = Levels - 1; level >= 0; level--)
        {
            if (((size >> level) & 1) == 1)
            {
                ranges.Add((start, start + (1L << level)));
                start += 1L << level;
            }
        }

        return ranges;
    }

    /// <summary>A frontier of <paramref name="size"/> leaves from the hashes of its <see cref="Ranges"/>.</summary>
    public static MerkleFrontier FromSubtrees(long size, IReadOnlyList<byte[]> hashes)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        var bytes = new byte[hashes.Count * MerkleTree.HashSize];
        for (var i = 0; i < hashes.Count; i++)
        {
            hashes[i].CopyTo(bytes, i * MerkleTree.HashSize);
        }

        return Deserialize(size, bytes);
    }

    public MerkleFrontier Clone()
    {
        var clone = new MerkleFrontier { Size = Size };
        _nodes.CopyTo(clone._nodes, 0);
        return clone;
    }

    private Span<byte> Node(int level) => _nodes.AsSpan(level * MerkleTree.HashSize, MerkleTree.HashSize);
}
