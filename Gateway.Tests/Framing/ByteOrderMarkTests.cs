using System.Buffers;
using McpGateway.Core.Framing;
using NUnit.Framework;

namespace McpGateway.Tests.Framing;

[TestFixture]
internal sealed class ByteOrderMarkTests
{
    [Test]
    public void TrySkip_BomThenFrame_StrippedAtEverySplit()
    {
        byte[] data = [0xEF, 0xBB, 0xBF, (byte)'{', (byte)'}'];
        for (var offset = 0; offset <= data.Length; offset++)
        {
            var buffer = SegmentedSequence.SplitAt(data, offset);

            var decided = ByteOrderMark.TrySkip(ref buffer, isCompleted: false);

            Assert.That((decided, buffer.ToArray()), Is.EqualTo((true, new[] { (byte)'{', (byte)'}' })), $"split at {offset}");
        }
    }

    [TestCase(new byte[] { }, false)]
    [TestCase(new byte[] { 0xEF }, false)]
    [TestCase(new byte[] { 0xEF, 0xBB }, false)]
    [TestCase(new byte[] { 0xEF, 0xBB }, true)]
    public void TrySkip_PrefixOfBom_WaitsUnlessCompleted(byte[] data, bool completed)
    {
        var buffer = new ReadOnlySequence<byte>(data);

        var decided = ByteOrderMark.TrySkip(ref buffer, completed);

        Assert.That((decided, buffer.Length), Is.EqualTo((completed, (long)data.Length)));
    }

    [TestCase(new byte[] { (byte)'{' })]
    [TestCase(new byte[] { 0xEF, 0xBB, 0xBE, (byte)'{' })]
    public void TrySkip_NoBom_Untouched(byte[] data)
    {
        var buffer = new ReadOnlySequence<byte>(data);

        var decided = ByteOrderMark.TrySkip(ref buffer, isCompleted: false);

        Assert.That((decided, buffer.Length), Is.EqualTo((true, (long)data.Length)));
    }
}
