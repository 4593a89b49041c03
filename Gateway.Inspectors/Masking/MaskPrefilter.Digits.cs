using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;
using McpGateway.Inspectors.Masking.Detectors;

namespace McpGateway.Inspectors.Masking;

/// <summary>Digit shapes met inside a window: card digits (also in float spelling) and IBAN bodies.</summary>
internal sealed partial class MaskPrefilter
{
    /// <summary>
    /// Whether the chain of digits from <paramref name="start"/> (single spaces or hyphens between them) begins with 13
    /// to 19 digits that could end a card match (not followed by a letter, a digit, or a hyphen, dot or comma and a
    /// digit, as the detector's lookahead requires) and pass its checks, Luhn and the issuer's prefix and length.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool CardDigitsAt(ReadOnlySpan<byte> bytes, int start)
    {
        Span<int> digits = stackalloc int[19];
        var count = 0;
        var i = start;
        for (; i < bytes.Length && count < 19; i++)
        {
            if (char.IsAsciiDigit((char)bytes[i]))
            {
                digits[count++] = bytes[i] - '0';
                if (count >= 13 && MayEndCard(bytes, i + 1) && SecretChecks.Luhn(digits[..count]) && SecretChecks.IssuerAccepts(digits[..count]))
                {
                    return true;
                }
            }
            else if (bytes[i] is not ((byte)' ' or (byte)'-') || i + 1 == bytes.Length || !char.IsAsciiDigit((char)bytes[i + 1]))
            {
                break;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether the run of digits from <paramref name="start"/> is part of a number spelled with a fraction or an exponent
    /// (<c>4.111111111111111E+15</c>, <c>4111111111111111.0</c>, <c>41111111111111110e-1</c>), which the masking pass
    /// reads as the integer it may be. Checked only where 13 chained digits are, so rarely.
    /// </summary>
    private static bool FloatSpellingAt(ReadOnlySpan<byte> bytes, int start)
    {
        if (start >= 2 && bytes[start - 1] == (byte)'.' && char.IsAsciiDigit((char)bytes[start - 2]))
        {
            return true;
        }

        var end = start;
        while (end < bytes.Length && char.IsAsciiDigit((char)bytes[end]))
        {
            end++;
        }

        return end + 1 < bytes.Length
            && ((bytes[end] | 0x20) == 'e' || (bytes[end] == (byte)'.' && char.IsAsciiDigit((char)bytes[end + 1])));
    }

    /// <summary>The card detector's lookahead after a match ending before <paramref name="next"/>.</summary>
    private static bool MayEndCard(ReadOnlySpan<byte> bytes, int next) =>
        next >= bytes.Length
        || (!char.IsAsciiLetterOrDigit((char)bytes[next])
            && !(bytes[next] is (byte)'.' or (byte)',' or (byte)'-' && next + 1 < bytes.Length && char.IsAsciiDigit((char)bytes[next + 1])));

    /// <summary>After country and check digits, eleven capitals or digits, each after at most one space.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IbanBodyAt(ReadOnlySpan<byte> bytes, int start)
    {
        var count = 0;
        for (var i = start + 4; i < bytes.Length; i++)
        {
            if (char.IsAsciiDigit((char)bytes[i]) || char.IsAsciiLetterUpper((char)bytes[i]))
            {
                if (++count == 11)
                {
                    return true;
                }
            }
            else if (bytes[i] != (byte)' ' || i + 1 == bytes.Length || !(char.IsAsciiDigit((char)bytes[i + 1]) || char.IsAsciiLetterUpper((char)bytes[i + 1])))
            {
                return false;
            }
        }

        return false;
    }
}
