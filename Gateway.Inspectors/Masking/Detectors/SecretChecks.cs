using System.Buffers;
using System.Buffers.Text;
using System.Net;
using System.Text.Unicode;

namespace McpGateway.Inspectors.Masking.Detectors;

/// <summary>The checks that turn a pattern into a precise detector: checksums, issuer and country tables, valid ranges.</summary>
internal static class SecretChecks
{
    private static readonly Dictionary<string, int> IbanLengths = new(StringComparer.Ordinal)
    {
        ["AD"] = 24, ["AE"] = 23, ["AL"] = 28, ["AT"] = 20, ["AZ"] = 28, ["BA"] = 20, ["BE"] = 16, ["BG"] = 22, ["BH"] = 22,
        ["BR"] = 29, ["BY"] = 28, ["CH"] = 21, ["CR"] = 22, ["CY"] = 28, ["CZ"] = 24, ["DE"] = 22, ["DK"] = 18, ["DO"] = 28,
        ["EE"] = 20, ["EG"] = 29, ["ES"] = 24, ["FI"] = 18, ["FO"] = 18, ["FR"] = 27, ["GB"] = 22, ["GE"] = 22, ["GI"] = 23,
        ["GL"] = 18, ["GR"] = 27, ["GT"] = 28, ["HR"] = 21, ["HU"] = 28, ["IE"] = 22, ["IL"] = 23, ["IQ"] = 23, ["IS"] = 26,
        ["IT"] = 27, ["JO"] = 30, ["KW"] = 30, ["KZ"] = 20, ["LB"] = 28, ["LC"] = 32, ["LI"] = 21, ["LT"] = 20, ["LU"] = 20,
        ["LV"] = 21, ["MC"] = 27, ["MD"] = 24, ["ME"] = 22, ["MK"] = 19, ["MR"] = 27, ["MT"] = 31, ["MU"] = 30, ["NL"] = 18,
        ["NO"] = 15, ["PK"] = 24, ["PL"] = 28, ["PS"] = 29, ["PT"] = 25, ["QA"] = 29, ["RO"] = 24, ["RS"] = 22, ["SA"] = 24,
        ["SC"] = 31, ["SE"] = 24, ["SI"] = 19, ["SK"] = 24, ["SM"] = 27, ["ST"] = 25, ["SV"] = 28, ["TL"] = 23, ["TN"] = 24,
        ["TR"] = 26, ["UA"] = 29, ["VA"] = 22, ["VG"] = 24, ["XK"] = 20,
    };

    private static readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> IbanLookup = IbanLengths.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>13-19 digits with at most one kind of separator, Luhn-valid, in a known issuer's range and length.</summary>
    public static int Card(ReadOnlySpan<char> candidate)
    {
        Span<int> digits = stackalloc int[19];
        var count = 0;
        var separator = '\0';
        foreach (var c in candidate)
        {
            if (char.IsAsciiDigit(c))
            {
                if (count == 19)
                {
                    return 0;
                }

                digits[count++] = c - '0';
            }
            else if (separator == '\0')
            {
                separator = c;
            }
            else if (c != separator)
            {
                return 0;
            }
        }

        if (count < 13 || !Luhn(digits[..count]) || !IssuerAccepts(digits[..count]))
        {
            return 0;
        }

        return candidate.Length;
    }

    public static bool Luhn(ReadOnlySpan<int> digits)
    {
        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i];
            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }

    /// <summary>Whether a known issuer (Visa, Mastercard, Amex, JCB, Diners, Discover, UnionPay) uses this prefix and length.</summary>
    public static bool IssuerAccepts(ReadOnlySpan<int> d)
    {
        var length = d.Length;
        var two = (d[0] * 10) + d[1];
        var three = (two * 10) + d[2];
        var four = (three * 10) + d[3];
        var six = (four * 100) + (d[4] * 10) + d[5];
        return d[0] switch
        {
            4 => length is 13 or 16 or 19, // Visa
            5 => two is >= 51 and <= 55 && length == 16, // Mastercard
            2 => four is >= 2221 and <= 2720 && length == 16, // Mastercard 2-series
            3 => (two is 34 or 37 && length == 15) // American Express
                || (four is >= 3528 and <= 3589 && length is >= 16 and <= 19) // JCB
                || ((three is >= 300 and <= 305 || two is 36 or 38 or 39) && length is >= 14 and <= 19), // Diners
            6 => ((four == 6011 || three is >= 644 and <= 649 || two == 65 || six is >= 622126 and <= 622925) && length is >= 16 and <= 19) // Discover
                || (two == 62 && length is >= 16 and <= 19), // UnionPay
            _ => false,
        };
    }

    /// <summary>An IBAN: the country's length, mod-97 = 1; spaces allowed. Returns the length that forms the IBAN.</summary>
    public static int Iban(ReadOnlySpan<char> candidate)
    {
        if (!IbanLookup.TryGetValue(candidate[..2], out var expected))
        {
            return 0;
        }

        var taken = 0;
        var end = 0;
        for (; end < candidate.Length && taken < expected; end++)
        {
            if (candidate[end] != ' ')
            {
                taken++;
            }
        }

        if (taken != expected || (end < candidate.Length && candidate[end] != ' '))
        {
            return 0;
        }

        // mod 97 over the rearranged digits (letters become 10..35), the first four characters moved to the end.
        var remainder = 0;
        for (var pass = 0; pass < 2; pass++)
        {
            var from = pass == 0 ? 4 : 0;
            var to = pass == 0 ? end : 4;
            for (var i = from; i < to; i++)
            {
                var c = candidate[i];
                if (c == ' ')
                {
                    continue;
                }

                if (char.IsAsciiDigit(c))
                {
                    remainder = ((remainder * 10) + (c - '0')) % 97;
                }
                else if (char.IsAsciiLetterUpper(c))
                {
                    remainder = ((remainder * 100) + (c - 'A' + 10)) % 97;
                }
                else
                {
                    return 0;
                }
            }
        }

        return remainder == 1 ? end : 0;
    }

    /// <summary>A US SSN in <c>AAA-GG-SSSS</c> form: area not 000, 666 or 9xx; group not 00; serial not 0000.</summary>
    public static int Ssn(ReadOnlySpan<char> candidate)
    {
        var area = candidate[..3];
        var group = candidate.Slice(4, 2);
        var serial = candidate.Slice(7, 4);
        if (area is "000" or "666" || area[0] == '9' || group is "00" || serial is "0000")
        {
            return 0;
        }

        return candidate.Length;
    }

    /// <summary>A JWT: the header decodes (base64url) to a JSON object that names its <c>alg</c>.</summary>
    public static int Jwt(ReadOnlySpan<char> candidate)
    {
        var dot = candidate.IndexOf('.');
        var header = candidate[..dot];
        Span<byte> decoded = stackalloc byte[256];
        if (header.Length > 340 || Base64Url.DecodeFromChars(header, decoded, out _, out var written) != OperationStatus.Done)
        {
            return 0;
        }

        var json = decoded[..written];
        return json.Length > 2 && json[0] == (byte)'{' && json.IndexOf("\"alg\""u8) >= 0 ? candidate.Length : 0;
    }

    /// <summary>An AWS secret access key is mixed case; this rules out hex digests and long lower-case words.</summary>
    public static int AwsSecret(ReadOnlySpan<char> candidate) =>
        candidate.ContainsAnyInRange('A', 'Z') && candidate.ContainsAnyInRange('a', 'z') && candidate.ContainsAnyInRange('0', '9') ? candidate.Length : 0;

    /// <summary>An international number: 8 to 15 digits after the plus.</summary>
    public static int Phone(ReadOnlySpan<char> candidate)
    {
        var digits = 0;
        foreach (var c in candidate)
        {
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
        }

        return digits is >= 8 and <= 15 ? candidate.Length : 0;
    }

    /// <summary>An IPv6 address as <see cref="IPAddress"/> parses it, with at least two colons and one hex group.</summary>
    public static int IPv6(ReadOnlySpan<char> candidate) =>
        candidate.Count(':') >= 2 && candidate.IndexOfAnyExcept(':') >= 0 && IPAddress.TryParse(candidate, out var address)
            && address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? candidate.Length : 0;

    /// <summary>Whether bytes are UTF-8 text worth scanning: valid, and no control characters but whitespace.</summary>
    public static bool IsText(ReadOnlySpan<byte> bytes)
    {
        if (!Utf8.IsValid(bytes))
        {
            return false;
        }

        foreach (var b in bytes)
        {
            if (b < 0x20 && b is not ((byte)'\n' or (byte)'\r' or (byte)'\t'))
            {
                return false;
            }
        }

        return true;
    }
}
