using System.Buffers;

namespace McpGateway.Core.Framing;

/// <summary>
/// MCP stdio framing: one JSON-RPC message per line, terminated by <c>\n</c>; a single <c>\r</c> before it is
/// accepted and is not part of the frame. Frames are slices of the buffer, never copies, and the size limit is
/// enforced by never searching past it.
/// </summary>
internal static class FrameReader
{
    private const byte NewLine = (byte)'\n';
    private const byte CarriageReturn = (byte)'\r';

    /// <summary>
    /// Slices the next frame off <paramref name="buffer"/>. On <see cref="FrameReadStatus.Frame"/> the frame
    /// excludes its line terminator and <paramref name="buffer"/> starts after the <c>\n</c>. Empty lines are
    /// consumed silently. On <see cref="FrameReadStatus.NeedMoreData"/> and <see cref="FrameReadStatus.TooLarge"/>
    /// the pending line is left in <paramref name="buffer"/>; after TooLarge discard it with <see cref="TrySkipLine"/>.
    /// </summary>
    public static FrameReadStatus TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxFrameBytes, out ReadOnlySequence<byte> frame)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFrameBytes);

        // A line holds at most maxFrameBytes of frame plus "\r\n": never look further than that.
        long window = maxFrameBytes + 2L;
        while (true)
        {
            ReadOnlySequence<byte> line;
            SequencePosition next;
            if (buffer.IsSingleSegment)
            {
                ReadOnlySpan<byte> span = buffer.FirstSpan;
                int index = span[..(int)Math.Min(span.Length, window)].IndexOf(NewLine);
                if (index < 0)
                {
                    frame = default;
                    return Pending(buffer, maxFrameBytes);
                }

                line = buffer.Slice(0, index);
                next = buffer.GetPosition(index + 1L);
            }
            else
            {
                var reader = new SequenceReader<byte>(buffer.Length > window ? buffer.Slice(0, window) : buffer);
                if (!reader.TryReadTo(out line, NewLine))
                {
                    frame = default;
                    return Pending(buffer, maxFrameBytes);
                }

                next = reader.Position;
            }

            long length = line.Length;
            if (length > 0 && LastByte(line) == CarriageReturn)
            {
                length--;
                line = line.Slice(0, length);
            }

            if (length > maxFrameBytes)
            {
                frame = default;
                return FrameReadStatus.TooLarge;
            }

            buffer = buffer.Slice(next);
            if (length > 0)
            {
                frame = line;
                return FrameReadStatus.Frame;
            }
        }
    }

    /// <summary>
    /// Discards the rest of the current line, used after <see cref="FrameReadStatus.TooLarge"/>. Returns true
    /// when the line ended inside <paramref name="buffer"/>; false when everything was discarded and the line
    /// goes on in data not read yet.
    /// </summary>
    public static bool TrySkipLine(ref ReadOnlySequence<byte> buffer)
    {
        SequencePosition? newLine = buffer.PositionOf(NewLine);
        if (newLine is null)
        {
            buffer = buffer.Slice(buffer.End);
            return false;
        }

        buffer = buffer.Slice(buffer.GetPosition(1, newLine.Value));
        return true;
    }

    // No newline in the window: more data may still complete a frame within the limit, unless the window is full.
    private static FrameReadStatus Pending(in ReadOnlySequence<byte> buffer, int maxFrameBytes)
    {
        long length = buffer.Length;
        if (length <= maxFrameBytes || (length == maxFrameBytes + 1L && LastByte(buffer) == CarriageReturn))
        {
            return FrameReadStatus.NeedMoreData;
        }

        return FrameReadStatus.TooLarge;
    }

    private static byte LastByte(in ReadOnlySequence<byte> nonEmpty)
    {
        if (nonEmpty.IsSingleSegment)
        {
            return nonEmpty.FirstSpan[^1];
        }

        foreach (ReadOnlyMemory<byte> segment in nonEmpty.Slice(nonEmpty.Length - 1))
        {
            if (!segment.IsEmpty)
            {
                return segment.Span[0];
            }
        }

        throw new InvalidOperationException("The sequence is empty.");
    }
}
