using System.Buffers;

namespace McpGateway.Tests.Framing;

/// <summary>
/// Builds multi-segment <see cref="ReadOnlySequence{T}"/>s the way a pipe hands them out, so that every parser
/// test can also run with its input split at every byte offset. Each segment owns a separate array.
/// </summary>
internal sealed class SegmentedSequence : ReadOnlySequenceSegment<byte>
{
    private SegmentedSequence(ReadOnlyMemory<byte> memory, long runningIndex)
    {
        Memory = memory;
        RunningIndex = runningIndex;
    }

    /// <summary>A sequence with one segment per chunk (empty chunks make empty segments).</summary>
    public static ReadOnlySequence<byte> FromChunks(params IEnumerable<byte[]> chunks)
    {
        SegmentedSequence? first = null;
        SegmentedSequence? last = null;
        foreach (byte[] chunk in chunks)
        {
            var segment = new SegmentedSequence(chunk.ToArray(), last is null ? 0 : last.RunningIndex + last.Memory.Length);
            if (last is null)
            {
                first = segment;
            }
            else
            {
                last.Next = segment;
            }

            last = segment;
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    /// <summary>Two segments: <c>data[..offset]</c> and <c>data[offset..]</c>.</summary>
    public static ReadOnlySequence<byte> SplitAt(byte[] data, int offset) => FromChunks(data[..offset], data[offset..]);

    /// <summary>One segment per byte.</summary>
    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] data) => FromChunks(data.Select(b => new[] { b }));

    /// <summary>Segments of <paramref name="size"/> bytes (the last one may be shorter).</summary>
    public static ReadOnlySequence<byte> Chunked(byte[] data, int size) => FromChunks(data.Chunk(size));

    /// <summary>
    /// The input as one array, split in two at every offset (every <paramref name="stride"/>th offset for big
    /// inputs) and in one-byte segments, each named for assertion messages.
    /// </summary>
    public static IEnumerable<(string Name, ReadOnlySequence<byte> Sequence)> Variants(byte[] data, int stride = 1)
    {
        yield return ("one array", new ReadOnlySequence<byte>(data));
        for (int offset = 1; offset < data.Length; offset += stride)
        {
            yield return ($"split at {offset}", SplitAt(data, offset));
        }

        yield return ("one byte per segment", OneBytePerSegment(data));
    }
}
