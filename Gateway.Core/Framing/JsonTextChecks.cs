using System.Buffers;
using System.Buffers.Text;
using System.Text.Unicode;

namespace McpGateway.Core.Framing;

/// <summary>
/// The byte-level checks of the parsing rule that <see cref="System.Text.Json.Utf8JsonReader"/> does not make:
/// UTF-8 validity across segment boundaries, surrogate escapes that pair up, and integer ids.
/// </summary>
internal static class JsonTextChecks
{
    private const int LongestSafeInteger = 17; // "-9007199254740991"

    /// <summary>Valid UTF-8 throughout, including sequences split across segment boundaries.</summary>
    public static bool IsValidUtf8(in ReadOnlySequence<byte> text)
    {
        if (text.IsSingleSegment)
        {
            return Utf8.IsValid(text.FirstSpan);
        }

        Span<byte> carry = stackalloc byte[4];
        int carried = 0;
        int missing = 0;
        foreach (ReadOnlyMemory<byte> memory in text)
        {
            ReadOnlySpan<byte> span = memory.Span;
            if (missing > 0)
            {
                int take = Math.Min(missing, span.Length);
                span[..take].CopyTo(carry[carried..]);
                carried += take;
                missing -= take;
                span = span[take..];
                if (missing > 0)
                {
                    continue;
                }

                if (!Utf8.IsValid(carry[..carried]))
                {
                    return false;
                }

                carried = 0;
            }

            int tail = IncompleteTail(span, out int expected);
            if (!Utf8.IsValid(span[..^tail]))
            {
                return false;
            }

            if (tail > 0)
            {
                span[^tail..].CopyTo(carry);
                carried = tail;
                missing = expected - tail;
            }
        }

        return missing == 0;
    }

    /// <summary>
    /// Whether, in the raw content of a valid JSON string, every <c>\uD800</c>-<c>\uDBFF</c> escape is directly
    /// followed by a <c>\uDC00</c>-<c>\uDFFF</c> escape and no low one stands alone. Only "\u" sequences are visited.
    /// </summary>
    public static bool SurrogateEscapesPaired(ReadOnlySpan<byte> raw)
    {
        int i = 0;
        while (true)
        {
            int found = raw[i..].IndexOf("\\u"u8);
            if (found < 0)
            {
                return true;
            }

            int at = i + found;
            int backslashes = 1;
            while (at - backslashes >= 0 && raw[at - backslashes] == (byte)'\\')
            {
                backslashes++;
            }

            if ((backslashes & 1) == 0)
            {
                // "\\u": an escaped backslash followed by a literal 'u'.
                i = at + 2;
                continue;
            }

            int unit = Hex4(raw.Slice(at + 2, 4));
            i = at + 6;
            if (unit is >= 0xDC00 and <= 0xDFFF)
            {
                return false;
            }

            if (unit is >= 0xD800 and <= 0xDBFF)
            {
                if (i + 6 > raw.Length || raw[i] != (byte)'\\' || raw[i + 1] != (byte)'u')
                {
                    return false;
                }

                int low = Hex4(raw.Slice(i + 2, 4));
                if (low is < 0xDC00 or > 0xDFFF)
                {
                    return false;
                }

                i += 6;
            }
        }
    }

    /// <summary>
    /// Whether unescaped UTF-8 text holds a control character: C0 (U+0000-U+001F, NUL included), DEL (U+007F) or C1
    /// (U+0080-U+009F). Identifiers (tool and prompt names, resource URIs, method names) must not: NUL truncates them
    /// in C-based peers and logs, and the others forge lines and terminal output.
    /// </summary>
    public static bool HasControlCharacter(ReadOnlySpan<byte> utf8)
    {
        for (int i = 0; i < utf8.Length; i++)
        {
            byte b = utf8[i];
            if (b < 0x20 || b == 0x7F || (b == 0xC2 && i + 1 < utf8.Length && utf8[i + 1] is >= 0x80 and <= 0x9F))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Reads a JSON number token as an id: an integer token (no fraction, no exponent, whatever value they would
    /// spell) within the 53-bit safe range.
    /// </summary>
    public static bool TryParseSafeInteger(in ReadOnlySequence<byte> token, out long value)
    {
        value = 0;
        if (token.Length > LongestSafeInteger)
        {
            return false;
        }

        Span<byte> copy = stackalloc byte[LongestSafeInteger];
        token.CopyTo(copy);
        return TryParseSafeInteger(copy[..(int)token.Length], out value);
    }

    /// <inheritdoc cref="TryParseSafeInteger(in ReadOnlySequence{byte}, out long)"/>
    public static bool TryParseSafeInteger(ReadOnlySpan<byte> token, out long value)
    {
        value = 0;
        return token.Length <= LongestSafeInteger
            && !token.ContainsAny((byte)'.', (byte)'e', (byte)'E')
            && Utf8Parser.TryParse(token, out value, out int consumed)
            && consumed == token.Length
            && value is >= -JsonRpcId.MaxSafeInteger and <= JsonRpcId.MaxSafeInteger;
    }

    // Length of a sequence at the end of the span that a valid lead byte starts but the span does not complete.
    private static int IncompleteTail(ReadOnlySpan<byte> span, out int expected)
    {
        expected = 0;
        for (int back = 1; back <= 3 && back <= span.Length; back++)
        {
            byte b = span[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue;
            }

            expected = b switch
            {
                >= 0xC2 and <= 0xDF => 2,
                >= 0xE0 and <= 0xEF => 3,
                >= 0xF0 and <= 0xF4 => 4,
                _ => 0,
            };
            return expected > back ? back : 0;
        }

        return 0;
    }

    private static int Hex4(ReadOnlySpan<byte> digits)
    {
        int value = 0;
        foreach (byte digit in digits)
        {
            value = (value << 4) | (digit <= (byte)'9' ? digit - '0' : (digit | 0x20) - 'a' + 10);
        }

        return value;
    }
}
