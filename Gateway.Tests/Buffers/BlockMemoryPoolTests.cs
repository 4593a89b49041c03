using McpGateway.Core.Buffers;

namespace McpGateway.Tests.Buffers;

[TestFixture]
internal sealed class BlockMemoryPoolTests
{
    [Test]
    public void Rent_AnySizeUpToTheBlock_GivesAWholeBlock()
    {
        using var pool = new BlockMemoryPool();

        using var small = pool.Rent(1);
        using var whole = pool.Rent(BlockMemoryPool.BlockSize);

        Assert.Multiple(() =>
        {
            Assert.That(small.Memory.Length, Is.EqualTo(BlockMemoryPool.BlockSize));
            Assert.That(whole.Memory.Length, Is.EqualTo(BlockMemoryPool.BlockSize));
            Assert.That(pool.MaxBufferSize, Is.EqualTo(BlockMemoryPool.BlockSize));
        });
    }

    [Test]
    public void Rent_MoreThanABlock_Throws()
    {
        using var pool = new BlockMemoryPool();

        Assert.That(() => pool.Rent(BlockMemoryPool.BlockSize + 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Rent_AfterABlockWasDisposed_ReusesIt()
    {
        using var pool = new BlockMemoryPool();
        var first = pool.Rent();
        first.Memory.Span[0] = 42;
        first.Dispose();

        using var second = pool.Rent();

        Assert.That(second, Is.SameAs(first));
    }

    [Test]
    public void Dispose_TwiceOnOneRent_ReturnsTheBlockOnce()
    {
        using var pool = new BlockMemoryPool();
        var block = pool.Rent();
        block.Dispose();
        block.Dispose();

        using var a = pool.Rent();
        using var b = pool.Rent();

        Assert.That(b, Is.Not.SameAs(a), "a block returned twice would be handed to two owners at once");
    }

    [Test]
    public void Rent_BeyondTheRetainedBlocks_StillGivesDistinctBlocks()
    {
        using var pool = new BlockMemoryPool();
        var rented = Enumerable.Range(0, BlockMemoryPool.MaxRetained + 8).Select(_ => pool.Rent()).ToList();
        foreach (var block in rented)
        {
            block.Dispose();
        }

        var again = Enumerable.Range(0, BlockMemoryPool.MaxRetained + 8).Select(_ => pool.Rent()).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(again.Distinct().Count(), Is.EqualTo(again.Count));
            Assert.That(again.Count(rented.Contains), Is.EqualTo(BlockMemoryPool.MaxRetained), "only MaxRetained blocks were kept for reuse");
        });
        again.ForEach(block => block.Dispose());
    }
}
