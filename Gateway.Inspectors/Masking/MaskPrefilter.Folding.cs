using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using McpGateway.Inspectors.Masking.Detectors;

namespace McpGateway.Inspectors.Masking;

/// <summary>Characters the detectors read as ASCII: escapes that may spell an anchor, and other digit and letter forms that fold to one.</summary>
internal sealed partial class MaskPrefilter
{
    /// <summary>
    /// A character that detectors read as an ASCII digit or letter (<see cref="UnicodeForms"/>): a full-width <c>４</c>
    /// or <c>Ａ</c>, a digit of another script. Checked where the shape pass saw a byte above 0x7F, so ASCII costs nothing.
    /// </summary>
    private static bool FoldableAt(ReadOnlySpan<byte> bytes, int at) =>
        bytes[at] >= 0xC0 && Rune.DecodeFromUtf8(bytes[at..], out var rune, out _) == OperationStatus.Done && UnicodeForms.FoldsToAlphanumeric(rune);

    private static bool HasFoldable(ReadOnlySpan<byte> bytes)
    {
        for (var at = bytes.IndexOfAnyInRange((byte)0xC0, (byte)0xFF); at >= 0; at = NextLead(bytes, at + 1))
        {
            if (FoldableAt(bytes, at))
            {
                return true;
            }
        }

        return false;
    }

    private static int NextLead(ReadOnlySpan<byte> bytes, int from)
    {
        var next = bytes[from..].IndexOfAnyInRange((byte)0xC0, (byte)0xFF);
        return next < 0 ? -1 : from + next;
    }

    /// <summary>A <c>\uXXXX</c> escape of a character some evidence contains.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool HasRelevantEscape(ReadOnlySpan<byte> bytes)
    {
        var at = 0;
        while (true)
        {
            var found = bytes[at..].IndexOf("\\u"u8);
            if (found < 0)
            {
                return false;
            }

            at += found;
            if (at + EscapeLength > bytes.Length)
            {
                return false;
            }

            if (RelevantEscapeAt(bytes, at))
            {
                return true;
            }

            at += 2;
        }
    }

    /// <summary>
    /// Whether the <c>\u</c> at <paramref name="at"/> starts an escape that matters: not four hex digits (answer maybe),
    /// or a character some evidence contains. One cut short by the end of the bytes does not.
    /// </summary>
    private bool RelevantEscapeAt(ReadOnlySpan<byte> bytes, int at) =>
        at + EscapeLength <= bytes.Length
        && (!TryHex(bytes.Slice(at + 2, 4), out var code) || (code < 128 ? _escapeMatters[code] : _allEscapes || EscapeMayFold(code)));

    /// <summary>
    /// An escaped character detectors read as an ASCII digit or letter, or the high half of a mathematical digit
    /// (U+1D7CE to U+1D7FF) escaped as a surrogate pair.
    /// </summary>
    private static bool EscapeMayFold(int code) =>
        code == 0xD835 || (!char.IsSurrogate((char)code) && UnicodeForms.FoldsToAlphanumeric(new Rune(code)));

    private static bool TryHex(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (var b in digits)
        {
            var digit = HexDigit(b);
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }

    private static int HexDigit(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    /// <summary>Each byte with bit 0x20 set, widened to a char: ASCII letters lose their case, other bytes map onto bytes no letter maps onto.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FoldWiden(ReadOnlySpan<byte> bytes, Span<char> chars)
    {
        var wide = MemoryMarshal.Cast<char, ushort>(chars);
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 64 <= bytes.Length; i += 64)
            {
                var (lower, upper) = Vector512.Widen(Vector512.Create(bytes.Slice(i, 64)) | Vector512.Create((byte)0x20));
                lower.CopyTo(wide[i..]);
                upper.CopyTo(wide[(i + 32)..]);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 32 <= bytes.Length; i += 32)
            {
                var (lower, upper) = Vector256.Widen(Vector256.Create(bytes.Slice(i, 32)) | Vector256.Create((byte)0x20));
                lower.CopyTo(wide[i..]);
                upper.CopyTo(wide[(i + 16)..]);
            }
        }

        for (; i + 16 <= bytes.Length; i += 16)
        {
            var (lower, upper) = Vector128.Widen(Vector128.Create(bytes.Slice(i, 16)) | Vector128.Create((byte)0x20));
            lower.CopyTo(wide[i..]);
            upper.CopyTo(wide[(i + 8)..]);
        }

        for (; i < bytes.Length; i++)
        {
            chars[i] = (char)(bytes[i] | 0x20);
        }
    }
}
