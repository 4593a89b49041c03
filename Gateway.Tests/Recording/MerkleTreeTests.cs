using System.Text;
using McpGateway.Core.Recording;

namespace McpGateway.Tests.Recording;

/// <summary>
/// The log's Merkle tree against the known vectors of RFC 9162 / RFC 6962 as Certificate Transparency and
/// transparency-dev/merkle publish them (testonly/constants.go, proof/verify_test.go, testonly/reference_test.go), and
/// as properties: every proof for every size verifies, and any flipped bit makes it fail.
/// </summary>
[TestFixture]
internal sealed class MerkleTreeTests
{
    /// <summary>The eight leaf inputs of the CT/transparency-dev test data.</summary>
    private static readonly byte[][] Leaves =
    [
        [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
        [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
        [0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f],
    ];

    /// <summary>The roots of the trees of the first 1..8 leaves.</summary>
    private static readonly string[] Roots =
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    private static IEnumerable<TestCaseData> InclusionVectors()
    {
        yield return new TestCaseData(0L, 1L, Array.Empty<string>()).SetName("Inclusion_0_of_1");
        yield return new TestCaseData(0L, 2L, new[] { "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7" }).SetName("Inclusion_0_of_2");
        yield return new TestCaseData(1L, 2L, new[] { "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d" }).SetName("Inclusion_1_of_2");
        yield return new TestCaseData(2L, 3L, new[] { "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125" }).SetName("Inclusion_2_of_3");
        yield return new TestCaseData(1L, 5L, new[]
        {
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        }).SetName("Inclusion_1_of_5");
        yield return new TestCaseData(0L, 8L, new[]
        {
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        }).SetName("Inclusion_0_of_8");
        yield return new TestCaseData(5L, 8L, new[]
        {
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        }).SetName("Inclusion_5_of_8");
    }

    private static IEnumerable<TestCaseData> ConsistencyVectors()
    {
        yield return new TestCaseData(1L, 1L, Array.Empty<string>()).SetName("Consistency_1_to_1");
        yield return new TestCaseData(1L, 8L, new[]
        {
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        }).SetName("Consistency_1_to_8");
        yield return new TestCaseData(6L, 8L, new[]
        {
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        }).SetName("Consistency_6_to_8");
        yield return new TestCaseData(2L, 5L, new[]
        {
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        }).SetName("Consistency_2_to_5");
    }

    private static List<byte[]> LeafHashes(int count) => [.. Leaves.Take(count).Select(l => MerkleTree.LeafHash(l))];

    /// <summary>Leaves for the property tests: n distinct byte strings.</summary>
    private static List<byte[]> Generated(int count) => [.. Enumerable.Range(0, count).Select(i => MerkleTree.LeafHash(Encoding.ASCII.GetBytes("leaf " + i)))];

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    [Test]
    public void Hashes_Rfc6962Vectors_Match()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Hex(MerkleTree.EmptyRoot), Is.EqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
            Assert.That(Hex(MerkleTree.LeafHash([])), Is.EqualTo("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"));
            Assert.That(Hex(MerkleTree.LeafHash("L123456"u8)), Is.EqualTo("395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"));
            Assert.That(Hex(MerkleTree.NodeHash("N123"u8, "N456"u8)), Is.EqualTo("aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"));
        });
    }

    [Test]
    public void Root_FirstOneToEightKnownLeaves_KnownRoots()
    {
        for (var size = 1; size <= 8; size++)
        {
            var frontier = new MerkleFrontier();
            foreach (var leaf in LeafHashes(size))
            {
                frontier.Append(leaf);
            }

            Assert.That(Hex(MerkleTree.Root(LeafHashes(size))), Is.EqualTo(Roots[size - 1]), $"reference root of {size}");
            Assert.That(Hex(frontier.Root()), Is.EqualTo(Roots[size - 1]), $"frontier root of {size}");
        }
    }

    [TestCaseSource(nameof(InclusionVectors))]
    public void InclusionProof_KnownVector_MatchesAndVerifies(long index, long size, string[] expected)
    {
        var leaves = LeafHashes((int)size);
        var path = MerkleTree.InclusionRanges(index, size).Select(r => MerkleTree.Subtree(leaves, r.Start, r.End)).ToList();

        Assert.That(path.Select(Hex), Is.EqualTo(expected));
        Assert.That(MerkleTree.VerifyInclusion(index, size, leaves[(int)index], path, Convert.FromHexString(Roots[size - 1])), Is.True);
    }

    [TestCaseSource(nameof(ConsistencyVectors))]
    public void ConsistencyProof_KnownVector_MatchesAndVerifies(long oldSize, long newSize, string[] expected)
    {
        var leaves = LeafHashes((int)newSize);
        var path = MerkleTree.ConsistencyRanges(oldSize, newSize).Select(r => MerkleTree.Subtree(leaves, r.Start, r.End)).ToList();

        Assert.That(path.Select(Hex), Is.EqualTo(expected));
        Assert.That(MerkleTree.VerifyConsistency(oldSize, newSize, Convert.FromHexString(Roots[oldSize - 1]), Convert.FromHexString(Roots[newSize - 1]), path), Is.True);
    }

    [Test]
    public void InclusionProof_EverySizeToSeventyAndEveryLeaf_VerifiesAndAnyFlippedBitFails()
    {
        var leaves = Generated(70);
        for (var size = 1; size <= leaves.Count; size++)
        {
            var root = MerkleTree.Subtree(leaves, 0, size);
            for (var index = 0; index < size; index++)
            {
                var path = MerkleTree.InclusionRanges(index, size).Select(r => MerkleTree.Subtree(leaves, r.Start, r.End)).ToList();
                Assert.That(MerkleTree.VerifyInclusion(index, size, leaves[index], path, root), Is.True, $"leaf {index} of {size}");
                Assert.That(MerkleTree.VerifyInclusion(index, size, Flipped(leaves[index], index), path, root), Is.False, $"flipped leaf {index} of {size}");
                Assert.That(MerkleTree.VerifyInclusion(index, size, leaves[index], path, Flipped(root, size)), Is.False, $"flipped root, leaf {index} of {size}");
                Assert.That(size == 1 || !MerkleTree.VerifyInclusion(index + 1 == size ? index - 1 : index + 1, size, leaves[index], path, root), Is.True, $"wrong index, leaf {index} of {size}");
                for (var element = 0; element < path.Count; element++)
                {
                    var wrong = path.ToList();
                    wrong[element] = Flipped(wrong[element], element + index);
                    Assert.That(MerkleTree.VerifyInclusion(index, size, leaves[index], wrong, root), Is.False, $"flipped path[{element}], leaf {index} of {size}");
                }

                if (path.Count > 0)
                {
                    Assert.That(MerkleTree.VerifyInclusion(index, size, leaves[index], path.Take(path.Count - 1).ToList(), root), Is.False, "a shortened path");
                }

                Assert.That(MerkleTree.VerifyInclusion(index, size, leaves[index], [.. path, root], root), Is.False, "a path with a trailing hash");
            }
        }
    }

    [Test]
    public void ConsistencyProof_EveryPairOfSizesToFifty_VerifiesAndAnyFlippedBitFails()
    {
        var leaves = Generated(50);
        for (var newSize = 1; newSize <= leaves.Count; newSize++)
        {
            var newRoot = MerkleTree.Subtree(leaves, 0, newSize);
            for (var oldSize = 1; oldSize <= newSize; oldSize++)
            {
                var oldRoot = MerkleTree.Subtree(leaves, 0, oldSize);
                var path = MerkleTree.ConsistencyRanges(oldSize, newSize).Select(r => MerkleTree.Subtree(leaves, r.Start, r.End)).ToList();
                Assert.That(MerkleTree.VerifyConsistency(oldSize, newSize, oldRoot, newRoot, path), Is.True, $"{oldSize} to {newSize}");
                Assert.That(MerkleTree.VerifyConsistency(oldSize, newSize, Flipped(oldRoot, oldSize), newRoot, path), Is.False, $"flipped old root, {oldSize} to {newSize}");
                Assert.That(MerkleTree.VerifyConsistency(oldSize, newSize, oldRoot, Flipped(newRoot, newSize), path), Is.False, $"flipped new root, {oldSize} to {newSize}");
                for (var element = 0; element < path.Count; element++)
                {
                    var wrong = path.ToList();
                    wrong[element] = Flipped(wrong[element], element);
                    Assert.That(MerkleTree.VerifyConsistency(oldSize, newSize, oldRoot, newRoot, wrong), Is.False, $"flipped path[{element}], {oldSize} to {newSize}");
                }

                if (oldSize < newSize)
                {
                    // A different history of the same length: the last old leaf replaced.
                    var forged = leaves.Take(newSize).ToList();
                    forged[oldSize - 1] = Flipped(forged[oldSize - 1], 0);
                    var forgedPath = MerkleTree.ConsistencyRanges(oldSize, newSize).Select(r => MerkleTree.Subtree(forged, r.Start, r.End)).ToList();
                    Assert.That(MerkleTree.VerifyConsistency(oldSize, newSize, oldRoot, MerkleTree.Subtree(forged, 0, newSize), forgedPath), Is.False, $"rewritten history, {oldSize} to {newSize}");
                }
            }
        }
    }

    [Test]
    public void Frontier_AppendsToSixHundred_RootSerializationAndCompletedSubtreesMatchTheReference()
    {
        var leaves = Generated(600);
        var frontier = new MerkleFrontier();
        var completed = new List<(int Level, long Index, byte[] Hash)>();
        for (var size = 1; size <= leaves.Count; size++)
        {
            frontier.Append(leaves[size - 1], (level, index, hash) => completed.Add((level, index, hash)));
            Assert.That(frontier.Root(), Is.EqualTo(MerkleTree.Subtree(leaves, 0, size)), $"root of {size}");
            var copy = MerkleFrontier.Deserialize(size, frontier.Serialize());
            Assert.That(copy.Root(), Is.EqualTo(frontier.Root()), $"serialized edge of {size}");
            var rebuilt = MerkleFrontier.FromSubtrees(size, [.. MerkleFrontier.Ranges(size).Select(r => MerkleTree.Subtree(leaves, r.Start, r.End))]);
            Assert.That(rebuilt.Root(), Is.EqualTo(frontier.Root()), $"edge from subtrees of {size}");
        }

        Assert.Multiple(() =>
        {
            Assert.That(completed, Has.Count.EqualTo(leaves.Count - System.Numerics.BitOperations.PopCount(600UL)), "one inner node per merge");
            foreach (var (level, index, hash) in completed)
            {
                Assert.That(hash, Is.EqualTo(MerkleTree.Subtree(leaves, index << level, (index + 1) << level)), $"node {level}/{index}");
            }
        });
    }

    [Test]
    public void Frontier_DeserializeWrongLength_FormatException()
    {
        Assert.That(() => MerkleFrontier.Deserialize(3, new byte[32]), Throws.TypeOf<FormatException>().With.Message.Contains("2 hashes"));
    }

    private static byte[] Flipped(byte[] hash, int seed)
    {
        var copy = hash.ToArray();
        copy[seed % copy.Length] ^= (byte)(1 << (seed % 8));
        return copy;
    }
}
