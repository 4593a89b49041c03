using System.Numerics;
using System.Security.Cryptography;

namespace McpGateway.Core.Recording;

/// <summary>
/// The audit log's Merkle tree, as RFC 9162 section 2.1 defines it: a leaf hashes as <c>SHA-256(0x00 || leaf)</c>, an
/// inner node as <c>SHA-256(0x01 || left || right)</c>, and the tree of n leaves splits at the largest power of two
/// below n. Leaf <c>i</c> is the record of sequence <c>i + 1</c>, so a checkpoint for record <c>s</c> is the tree head
/// of size <c>s</c>. Proofs are lists of subtree hashes; which subtrees (leaf ranges) a proof needs is computed here,
/// without the hashes, so a store fetches or computes only those.
/// </summary>
internal static class MerkleTree
{
    public const int HashSize = 32;

    /// <summary>The root of the empty tree: SHA-256 of nothing.</summary>
    public static byte[] EmptyRoot => SHA256.HashData(ReadOnlySpan<byte>.Empty);

    public static byte[] LeafHash(ReadOnlySpan<byte> leaf)
    {
        var hash = new byte[HashSize];
        LeafHash(leaf, hash);
        return hash;
    }

    public static void LeafHash(ReadOnlySpan<byte> leaf, Span<byte> destination)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData([0x00]);
        sha.AppendData(leaf);
        sha.GetHashAndReset(destination);
    }

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var hash = new byte[HashSize];
        NodeHash(left, right, hash);
        return hash;
    }

    /// <summary><c>SHA-256(0x01 || left || right)</c>; <paramref name="destination"/> may overlap either input.</summary>
    public static void NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        var length = 1 + left.Length + right.Length;
        Span<byte> input = length <= 1 + HashSize + HashSize ? stackalloc byte[length] : new byte[length];
        input[0] = 0x01;
        left.CopyTo(input[1..]);
        right.CopyTo(input[(1 + left.Length)..]);
        SHA256.HashData(input, destination);
    }

    /// <summary>
    /// <c>SHA-256(0x01 || left || right)</c> with a hasher the caller keeps (per thread): cheaper than a one-shot hash
    /// where OpenSSL would set up and free a context each time.
    /// </summary>
    internal static void NodeHash(IncrementalHash sha, ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        Span<byte> input = stackalloc byte[1 + HashSize + HashSize];
        input[0] = 0x01;
        left.CopyTo(input[1..]);
        right.CopyTo(input[(1 + HashSize)..]);
        sha.AppendData(input);
        sha.GetHashAndReset(destination);
    }

    /// <summary>The root over <paramref name="leafHashes"/> (the reference definition; stores use <see cref="MerkleFrontier"/>).</summary>
    public static byte[] Root(IReadOnlyList<byte[]> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        return leafHashes.Count == 0 ? EmptyRoot : Subtree(leafHashes, 0, leafHashes.Count);
    }

    /// <summary>The hash of the subtree over <c>leafHashes[start..end)</c>.</summary>
    public static byte[] Subtree(IReadOnlyList<byte[]> leafHashes, long start, long end)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        if (end - start == 1)
        {
            return leafHashes[(int)start];
        }

        var split = Split(end - start);
        return NodeHash(Subtree(leafHashes, start, start + split), Subtree(leafHashes, start + split, end));
    }

    /// <summary>The largest power of two smaller than <paramref name="n"/> (n at least 2).</summary>
    public static long Split(long n) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));

    /// <summary>
    /// The leaf ranges <c>[Start, End)</c> whose subtree hashes make up the inclusion proof of leaf
    /// <paramref name="index"/> in the tree of <paramref name="size"/> leaves (RFC 9162 2.1.3.1), from the leaf up.
    /// </summary>
    public static List<(long Start, long End)> InclusionRanges(long index, long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
        var ranges = new List<(long, long)>();
        Path(index, 0, size, ranges);
        return ranges;
    }

    private static void Path(long m, long start, long n, List<(long, long)> ranges)
    {
        if (n == 1)
        {
            return;
        }

        var k = Split(n);
        if (m < k)
        {
            Path(m, start, k, ranges);
            ranges.Add((start + k, start + n));
        }
        else
        {
            Path(m - k, start + k, n - k, ranges);
            ranges.Add((start, start + k));
        }
    }

    /// <summary>
    /// The leaf ranges whose subtree hashes make up the proof that the tree of <paramref name="oldSize"/> leaves is a
    /// prefix of the tree of <paramref name="newSize"/> leaves (RFC 9162 2.1.4.1); empty when the sizes are equal or
    /// the old tree is empty.
    /// </summary>
    public static List<(long Start, long End)> ConsistencyRanges(long oldSize, long newSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(oldSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(oldSize, newSize);
        var ranges = new List<(long, long)>();
        if (oldSize > 0 && oldSize < newSize)
        {
            SubProof(oldSize, 0, newSize, true, ranges);
        }

        return ranges;
    }

    private static void SubProof(long m, long start, long n, bool whole, List<(long, long)> ranges)
    {
        if (m == n)
        {
            if (!whole)
            {
                ranges.Add((start, start + n));
            }

            return;
        }

        var k = Split(n);
        if (m <= k)
        {
            SubProof(m, start, k, whole, ranges);
            ranges.Add((start + k, start + n));
        }
        else
        {
            SubProof(m - k, start + k, n - k, false, ranges);
            ranges.Add((start, start + k));
        }
    }

    /// <summary>Checks an inclusion proof (RFC 9162 2.1.3.2): <paramref name="leafHash"/> at <paramref name="index"/> under <paramref name="root"/>.</summary>
    public static bool VerifyInclusion(long index, long size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> path, ReadOnlySpan<byte> root)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (index < 0 || index >= size || leafHash.Length != HashSize || root.Length != HashSize)
        {
            return false;
        }

        var fn = index;
        var sn = size - 1;
        Span<byte> r = stackalloc byte[HashSize];
        leafHash.CopyTo(r);
        foreach (var p in path)
        {
            if (sn == 0 || p is not { Length: HashSize })
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                NodeHash(p, r, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                NodeHash(r, p, r);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r.SequenceEqual(root);
    }

    /// <summary>
    /// Checks a consistency proof (RFC 9162 2.1.4.2): the tree of <paramref name="oldSize"/> leaves with
    /// <paramref name="oldRoot"/> is a prefix of the tree of <paramref name="newSize"/> leaves with <paramref name="newRoot"/>.
    /// Equal sizes need equal roots and an empty proof; every tree extends the empty one.
    /// </summary>
    public static bool VerifyConsistency(long oldSize, long newSize, ReadOnlySpan<byte> oldRoot, ReadOnlySpan<byte> newRoot, IReadOnlyList<byte[]> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (oldSize < 0 || oldSize > newSize || newRoot.Length != HashSize || path.Any(p => p is not { Length: HashSize }))
        {
            return false;
        }

        if (oldSize == 0)
        {
            return path.Count == 0;
        }

        if (oldRoot.Length != HashSize)
        {
            return false;
        }

        if (oldSize == newSize)
        {
            return path.Count == 0 && oldRoot.SequenceEqual(newRoot);
        }

        var proof = (oldSize & (oldSize - 1)) == 0 ? [oldRoot.ToArray(), .. path] : path;
        if (proof.Count == 0)
        {
            return false;
        }

        var fn = oldSize - 1;
        var sn = newSize - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        Span<byte> fr = stackalloc byte[HashSize];
        Span<byte> sr = stackalloc byte[HashSize];
        proof[0].CopyTo(fr);
        proof[0].CopyTo(sr);
        for (var i = 1; i < proof.Count; i++)
        {
            var c = proof[i];
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                NodeHash(c, fr, fr);
                NodeHash(c, sr, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                NodeHash(sr, c, sr);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && fr.SequenceEqual(oldRoot) && sr.SequenceEqual(newRoot);
    }
}
