using System.Buffers;

namespace McpGateway.Core.Framing;

/// <summary>
/// A UTF-8 byte-order mark (<c>EF BB BF</c>) at the very start of a connection is stripped (some Windows programs
/// write one); anywhere else it is not whitespace and the frame it starts is a parse error.
/// </summary>
internal static class ByteOrderMark
{
    private static ReadOnlySpan<byte> Bytes => [0xEF, 0xBB, 0xBF];

    /// <summary>
    /// Skips a BOM at the start of <paramref name="buffer"/>, the first bytes of a connection. False when the buffer is
    /// a strict prefix of the BOM and more data must decide (unless <paramref name="isCompleted"/>); true once decided.
    /// </summary>
    public static bool TrySkip(ref ReadOnlySequence<byte> buffer, bool isCompleted)
    {
        Span<byte> head = stackalloc byte[3];
        int length = (int)Math.Min(buffer.Length, 3);
        buffer.Slice(0, length).CopyTo(head);
        if (!head[..length].SequenceEqual(Bytes[..length]))
        {
            return true;
        }

        if (length == 3)
        {
            buffer = buffer.Slice(3);
            return true;
        }

        return isCompleted;
    }
}
