using System.Globalization;
using System.Text;

namespace McpGateway.Inspectors.Policy;

/// <summary>
/// The forms an argument matcher sees a number in, so that <c>1e6</c>, <c>1E+6</c>, <c>1000000.0</c> and
/// <c>1000000</c> all read <c>1000000</c>. The canonical form is the exact decimal value without exponent: a minus
/// sign only when the value is below zero (negative zero is <c>0</c>), no leading zeros, no trailing zeros after the
/// decimal point and no point when nothing follows it. When the nearest binary double (what a JavaScript or Python
/// upstream computes with) differs from the exact value, that double's value written the same way is a second form.
/// </summary>
internal static class CanonicalNumber
{
    /// <summary>Longer forms (exponents beyond a few hundred) are not written out; the matcher treats them as unknown.</summary>
    public const int MaxLength = 400;

    /// <summary>
    /// Reads <paramref name="text"/> as a number: JSON's grammar, and for strings also what lenient upstreams accept
    /// (a leading <c>+</c>, leading zeros, <c>.5</c> and <c>5.</c>), surrounded by JSON white space.
    /// </summary>
    /// <returns>False when the text is not a number; true with <paramref name="tooLong"/> set when a form exceeds <see cref="MaxLength"/>.</returns>
    public static bool TryRead(ReadOnlySpan<char> text, out string exact, out string? asDouble, out bool tooLong)
    {
        exact = "";
        asDouble = null;
        tooLong = false;
        // Lenient parsers trim every Unicode white space (Python's int(), JavaScript's Number()).
        text = text.Trim();
        if (text.IsEmpty || !(char.IsAsciiDigit(text[0]) || text[0] is '-' or '+' or '.'))
        {
            // Most strings: no allocation.
            return false;
        }

        if (text.Contains('_'))
        {
            // Python reads 1_000_000 (digit separators between digits) as 1000000.
            if (!TryWithoutDigitSeparators(text, out var plain))
            {
                return false;
            }

            text = plain;
        }

        if (TryRadix(text, out var radixValue))
        {
            // 0x / 0o / 0b forms (JavaScript's Number(), Python's int(x, 0)): the integer they name.
            if (radixValue.Length > MaxLength)
            {
                tooLong = true;
                return true;
            }

            exact = radixValue;
            return true;
        }

        if (!TryParts(text, out var negative, out var digits, out var exponent))
        {
            return false;
        }

        if (!TryWrite(negative, digits, exponent, out exact))
        {
            tooLong = true;
            return true;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            // Overflows a double: JavaScript reads Infinity, Python inf. Unknown, not a number to ignore.
            tooLong = true;
            return true;
        }

        var roundTrip = value.ToString("R", CultureInfo.InvariantCulture);
        if (TryParts(roundTrip, out var n, out var d, out var e) && TryWrite(n, d, e, out var written) && written != exact)
        {
            asDouble = written;
        }

        return true;
    }

    /// <summary>Splits a number into sign, its significant digits and the power of ten of the last digit.</summary>
    private static bool TryWithoutDigitSeparators(ReadOnlySpan<char> text, out string plain)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '_')
            {
                builder.Append(text[i]);
            }
            else if (i == 0 || i == text.Length - 1 || !char.IsAsciiHexDigit(text[i + 1])
                || !(char.IsAsciiHexDigit(text[i - 1]) || (i >= 2 && text[i - 2] == '0' && text[i - 1] is 'x' or 'X' or 'o' or 'O' or 'b' or 'B')))
            {
                plain = "";
                return false;
            }
        }

        plain = builder.ToString();
        return true;
    }

    private static bool TryRadix(ReadOnlySpan<char> text, out string value)
    {
        value = "";
        var negative = text[0] == '-';
        var body = text[0] is '-' or '+' ? text[1..] : text;
        if (body.Length < 3 || body[0] != '0')
        {
            return false;
        }

        var radix = body[1] switch
        {
            'x' or 'X' => 16,
            'o' or 'O' => 8,
            'b' or 'B' => 2,
            _ => 0,
        };
        if (radix == 0 || body.Length > MaxLength)
        {
            return false;
        }

        var number = System.Numerics.BigInteger.Zero;
        foreach (var c in body[2..])
        {
            var digit = char.IsAsciiDigit(c) ? c - '0' : char.IsAsciiHexDigit(c) ? (c | 0x20) - 'a' + 10 : -1;
            if (digit < 0 || digit >= radix)
            {
                return false;
            }

            number = (number * radix) + digit;
        }

        value = (negative && !number.IsZero ? "-" : "") + number.ToString(CultureInfo.InvariantCulture);
        return true;
    }

    private static bool TryParts(ReadOnlySpan<char> text, out bool negative, out string digits, out long exponent)
    {
        negative = false;
        digits = "";
        exponent = 0;
        var i = 0;
        if (i < text.Length && text[i] is '-' or '+')
        {
            negative = text[i] == '-';
            i++;
        }

        var builder = new StringBuilder();
        var integerDigits = 0;
        var fractionDigits = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            builder.Append(text[i++]);
            integerDigits++;
        }

        if (i < text.Length && text[i] == '.')
        {
            i++;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                builder.Append(text[i++]);
                fractionDigits++;
            }
        }

        if (integerDigits + fractionDigits == 0)
        {
            return false;
        }

        long power = 0;
        if (i < text.Length && text[i] is 'e' or 'E')
        {
            i++;
            var exponentNegative = false;
            if (i < text.Length && text[i] is '-' or '+')
            {
                exponentNegative = text[i] == '-';
                i++;
            }

            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                // Saturates: anything this large is far beyond MaxLength either way.
                power = Math.Min(power * 10 + (text[i++] - '0'), int.MaxValue);
            }

            if (i == start)
            {
                return false;
            }

            power = exponentNegative ? -power : power;
        }

        if (i != text.Length)
        {
            return false;
        }

        var all = builder.ToString().TrimStart('0');
        var trimmed = all.TrimEnd('0');
        exponent = power - fractionDigits + (all.Length - trimmed.Length);
        digits = trimmed;
        return true;
    }

    private static bool TryWrite(bool negative, string digits, long exponent, out string written)
    {
        written = "0";
        if (digits.Length == 0)
        {
            // Zero, however written and whatever its sign.
            return true;
        }

        var length = exponent >= 0 ? digits.Length + exponent : Math.Max(digits.Length, -exponent) + 2;
        if (length + 1 > MaxLength)
        {
            return false;
        }

        var builder = new StringBuilder((int)length + 1);
        if (negative)
        {
            builder.Append('-');
        }

        if (exponent >= 0)
        {
            builder.Append(digits).Append('0', (int)exponent);
        }
        else
        {
            var point = digits.Length + (int)exponent;
            if (point > 0)
            {
                builder.Append(digits, 0, point).Append('.').Append(digits, point, digits.Length - point);
            }
            else
            {
                builder.Append("0.").Append('0', -point).Append(digits);
            }
        }

        written = builder.ToString();
        return true;
    }
}
