using System.Buffers;
using System.Text;
using McpGateway.Core.Framing;
using NUnit.Framework;

namespace McpGateway.Tests.Framing;

[TestFixture]
internal sealed class FrameReaderTests
{
    private const int Limit = 16;

    [TestCase("{\"a\":1}\n", new[] { "{\"a\":1}" }, "")]
    [TestCase("{\"a\":1}\r\n", new[] { "{\"a\":1}" }, "")]
    [TestCase("one\ntwo\r\nthree\n", new[] { "one", "two", "three" }, "")]
    [TestCase("one\ntwo", new[] { "one" }, "two")]
    [TestCase("a\rb\n", new[] { "a\rb" }, "")]
    [TestCase("x\r\r\n", new[] { "x\r" }, "")]
    public void TryReadFrame_CompleteLines_SlicesEachFrameWithoutTerminator(string input, string[] frames, string rest)
    {
        foreach ((string name, ReadOnlySequence<byte> buffer) in SegmentedSequence.Variants(Encoding.UTF8.GetBytes(input)))
        {
            var result = ReadToEnd(buffer, Limit);

            Assert.That(result.Frames, Is.EqualTo(frames), name);
            Assert.That(result.Last, Is.EqualTo(FrameReadStatus.NeedMoreData), name);
            Assert.That(result.Remaining, Is.EqualTo(rest), name);
        }
    }

    [TestCase("\n")]
    [TestCase("\r\n")]
    [TestCase("\n\r\n\n")]
    public void TryReadFrame_OnlyEmptyLines_ConsumesThemAndNeedsMoreData(string input)
    {
        foreach ((string name, ReadOnlySequence<byte> buffer) in SegmentedSequence.Variants(Encoding.UTF8.GetBytes(input)))
        {
            var result = ReadToEnd(buffer, Limit);

            Assert.That(result.Frames, Is.Empty, name);
            Assert.That(result.Last, Is.EqualTo(FrameReadStatus.NeedMoreData), name);
            Assert.That(result.Remaining, Is.Empty, name);
        }
    }

    [Test]
    public void TryReadFrame_EmptyLinesBetweenFrames_SkipsThem()
    {
        foreach ((string name, ReadOnlySequence<byte> buffer) in SegmentedSequence.Variants("\n\r\n{}\n\n\r\n[]\r\n\n"u8.ToArray()))
        {
            var result = ReadToEnd(buffer, Limit);

            Assert.That(result.Frames, Is.EqualTo(new[] { "{}", "[]" }), name);
            Assert.That(result.Remaining, Is.Empty, name);
        }
    }

    [TestCase("")]
    [TestCase("partial")]
    [TestCase("partial\r")]
    public void TryReadFrame_NoNewline_NeedsMoreDataAndLeavesBufferUnchanged(string input)
    {
        foreach ((string name, ReadOnlySequence<byte> original) in SegmentedSequence.Variants(Encoding.UTF8.GetBytes(input)))
        {
            ReadOnlySequence<byte> buffer = original;

            FrameReadStatus status = FrameReader.TryReadFrame(ref buffer, Limit, out _);

            Assert.That(status, Is.EqualTo(FrameReadStatus.NeedMoreData), name);
            Assert.That(buffer.Start, Is.EqualTo(original.Start), name);
            Assert.That(buffer.Length, Is.EqualTo(original.Length), name);
        }
    }

    [TestCase(Limit, "\n")]
    [TestCase(Limit, "\r\n")]
    [TestCase(1, "\n")]
    public void TryReadFrame_FrameExactlyAtLimit_ReturnsFrame(int length, string terminator)
    {
        string frame = new('a', length);
        foreach ((string name, ReadOnlySequence<byte> buffer) in SegmentedSequence.Variants(Encoding.UTF8.GetBytes(frame + terminator + "b")))
        {
            var result = ReadToEnd(buffer, length);

            Assert.That(result.Frames, Is.EqualTo(new[] { frame }), name);
            Assert.That(result.Remaining, Is.EqualTo("b"), name);
        }
    }

    [TestCase("\n")]
    [TestCase("\r\n")]
    [TestCase("")]
    [TestCase("aaaa\n")]
    public void TryReadFrame_FrameOneOverLimit_TooLargeAndBufferUnchanged(string after)
    {
        byte[] input = Encoding.UTF8.GetBytes(new string('a', Limit + 1) + after);
        foreach ((string name, ReadOnlySequence<byte> original) in SegmentedSequence.Variants(input))
        {
            ReadOnlySequence<byte> buffer = original;

            FrameReadStatus status = FrameReader.TryReadFrame(ref buffer, Limit, out _);

            Assert.That(status, Is.EqualTo(FrameReadStatus.TooLarge), name);
            Assert.That(buffer.Start, Is.EqualTo(original.Start), name);
            Assert.That(buffer.Length, Is.EqualTo(original.Length), name);
        }
    }

    [TestCase("", FrameReadStatus.NeedMoreData)]
    [TestCase("\r", FrameReadStatus.NeedMoreData)]
    [TestCase("\r\r", FrameReadStatus.TooLarge)]
    [TestCase("\ra", FrameReadStatus.TooLarge)]
    [TestCase("a", FrameReadStatus.TooLarge)]
    public void TryReadFrame_PendingAtLimitWithoutNewline_DecidesOnlyWhenCertain(string after, FrameReadStatus expected)
    {
        byte[] input = Encoding.UTF8.GetBytes(new string('a', Limit) + after);
        foreach ((string name, ReadOnlySequence<byte> original) in SegmentedSequence.Variants(input))
        {
            ReadOnlySequence<byte> buffer = original;

            FrameReadStatus status = FrameReader.TryReadFrame(ref buffer, Limit, out _);

            Assert.That(status, Is.EqualTo(expected), name);
            Assert.That(buffer.Length, Is.EqualTo(original.Length), name);
        }
    }

    [Test]
    public void TryReadFrame_NewlineFarBeyondLimit_TooLargeWithoutSearchingThere()
    {
        byte[] input = Encoding.UTF8.GetBytes(new string('a', 10 * Limit) + "\n{}\n");
        foreach ((string name, ReadOnlySequence<byte> original) in SegmentedSequence.Variants(input))
        {
            ReadOnlySequence<byte> buffer = original;

            Assert.That(FrameReader.TryReadFrame(ref buffer, Limit, out _), Is.EqualTo(FrameReadStatus.TooLarge), name);
        }
    }

    [Test]
    public void TrySkipLine_AfterTooLarge_DiscardsTheLineAndReadsTheNextFrame()
    {
        byte[] input = Encoding.UTF8.GetBytes(new string('a', 3 * Limit) + "\r\n{}\n");
        foreach ((string name, ReadOnlySequence<byte> original) in SegmentedSequence.Variants(input))
        {
            ReadOnlySequence<byte> buffer = original;
            Assert.That(FrameReader.TryReadFrame(ref buffer, Limit, out _), Is.EqualTo(FrameReadStatus.TooLarge), name);

            bool skipped = FrameReader.TrySkipLine(ref buffer);
            FrameReadStatus next = FrameReader.TryReadFrame(ref buffer, Limit, out ReadOnlySequence<byte> frame);

            Assert.That(skipped, Is.True, name);
            Assert.That(next, Is.EqualTo(FrameReadStatus.Frame), name);
            Assert.That(Encoding.UTF8.GetString(frame), Is.EqualTo("{}"), name);
            Assert.That(buffer.Length, Is.Zero, name);
        }
    }

    [Test]
    public void TrySkipLine_NoNewline_DiscardsEverythingAndReturnsFalse()
    {
        foreach ((string name, ReadOnlySequence<byte> original) in SegmentedSequence.Variants(Encoding.UTF8.GetBytes(new string('a', 40))))
        {
            ReadOnlySequence<byte> buffer = original;

            bool skipped = FrameReader.TrySkipLine(ref buffer);

            Assert.That(skipped, Is.False, name);
            Assert.That(buffer.Length, Is.Zero, name);
            Assert.That(buffer.End, Is.EqualTo(original.End), name);
        }
    }

    [Test]
    public void TryReadFrame_FrameAcrossSegments_IsASliceOfTheBufferNotACopy()
    {
        ReadOnlySequence<byte> original = SegmentedSequence.FromChunks("{\"a\""u8.ToArray(), ":1}\r"u8.ToArray(), "\n{}"u8.ToArray());
        ReadOnlySequence<byte> buffer = original;

        FrameReadStatus status = FrameReader.TryReadFrame(ref buffer, Limit, out ReadOnlySequence<byte> frame);

        Assert.That(status, Is.EqualTo(FrameReadStatus.Frame));
        Assert.That(frame.IsSingleSegment, Is.False);
        Assert.That(frame.Start, Is.EqualTo(original.Start));
        Assert.That(frame.End.GetObject(), Is.SameAs(original.GetPosition(5).GetObject()));
        Assert.That(Encoding.UTF8.GetString(frame), Is.EqualTo("{\"a\":1}"));
        Assert.That(Encoding.UTF8.GetString(buffer), Is.EqualTo("{}"));
    }

    [Test]
    public void TryReadFrame_SingleSegment_FrameSharesTheBuffersMemory()
    {
        byte[] data = "{}\n[]\n"u8.ToArray();
        var buffer = new ReadOnlySequence<byte>(data);

        FrameReader.TryReadFrame(ref buffer, Limit, out _);
        FrameReader.TryReadFrame(ref buffer, Limit, out ReadOnlySequence<byte> frame);

        Assert.That(frame.Start.GetObject(), Is.SameAs(data));
        Assert.That(frame.Start.GetInteger(), Is.EqualTo(3));
        Assert.That(frame.Length, Is.EqualTo(2));
    }

    [Test]
    public void TryReadFrame_NonPositiveLimit_Throws()
    {
        var buffer = new ReadOnlySequence<byte>("{}\n"u8.ToArray());

        Assert.That(() => FrameReader.TryReadFrame(ref buffer, 0, out _), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    // Reads frames until the reader asks for more data or rejects one; frames are decoded to compare them.
    private static (List<string> Frames, FrameReadStatus Last, string Remaining) ReadToEnd(ReadOnlySequence<byte> buffer, int maxFrameBytes)
    {
        var frames = new List<string>();
        FrameReadStatus status;
        while ((status = FrameReader.TryReadFrame(ref buffer, maxFrameBytes, out ReadOnlySequence<byte> frame)) == FrameReadStatus.Frame)
        {
            frames.Add(Encoding.UTF8.GetString(frame));
        }

        return (frames, status, Encoding.UTF8.GetString(buffer));
    }
}
