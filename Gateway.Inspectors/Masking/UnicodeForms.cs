using System.Text;

namespace McpGateway.Inspectors.Masking;

/// <summary>
/// Other spellings of ASCII that detectors must see through: decimal digits of every script (<c>٤</c>, <c>४</c>,
/// full-width <c>４</c>, mathematical <c>𝟒</c>) and the full-width forms of ASCII (<c>ＡＫＩＡ</c>). Detection runs on the
/// folded copy; a match is mapped back onto the original characters, which are what gets replaced.
/// </summary>
internal static class UnicodeForms
{
    private const int FullWidthFirst = 0xFF01;
    private const int FullWidthLast = 0xFF5E;
    private const int FullWidthOffset = 0xFEE0;

    /// <summary>Whether <paramref name="rune"/> folds onto an ASCII digit or letter (what a pre-filter must not miss).</summary>
    public static bool FoldsToAlphanumeric(Rune rune) =>
        rune.Value > 0x7F && (Rune.IsDigit(rune) || (rune.Value is >= 0xFF10 and <= 0xFF19 or >= 0xFF21 and <= 0xFF3A or >= 0xFF41 and <= 0xFF5A));

    /// <summary>
    /// The folded copy of <paramref name="text"/>, its first <paramref name="length"/> characters in
    /// <paramref name="folded"/>, and for each of them and one past the end the index in <paramref name="text"/> it came
    /// from. False, and nothing allocated, when nothing folds (pure ASCII text costs one vectorized search).
    /// </summary>
    public static bool TryFold(ReadOnlySpan<char> text, out char[] folded, out int[] map, out int length)
    {
        folded = [];
        map = [];
        length = 0;
        var first = text.IndexOfAnyExceptInRange('\0', '\u007f');
        if (first < 0 || !HasFoldable(text[first..]))
        {
            return false;
        }

        folded = new char[text.Length];
        map = new int[text.Length + 1];
        var at = 0;
        while (at < text.Length)
        {
            var status = Rune.DecodeFromUtf16(text[at..], out var rune, out var consumed);
            if (status == System.Buffers.OperationStatus.Done && Fold(rune) is { } ascii)
            {
                map[length] = at;
                folded[length++] = ascii;
            }
            else
            {
                consumed = Math.Max(consumed, 1);
                for (var i = 0; i < consumed; i++)
                {
                    map[length] = at + i;
                    folded[length++] = text[at + i];
                }
            }

            at += consumed;
        }

        map[length] = text.Length;
        return true;
    }

    private static bool HasFoldable(ReadOnlySpan<char> text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (Fold(rune) is not null)
            {
                return true;
            }
        }

        return false;
    }

    private static char? Fold(Rune rune) => rune.Value switch
    {
        <= 0x7F => null,
        >= FullWidthFirst and <= FullWidthLast => (char)(rune.Value - FullWidthOffset),
        _ when Rune.IsDigit(rune) && Rune.GetNumericValue(rune) is >= 0 and <= 9 and var value => (char)('0' + (int)value),
        _ => null,
    };
}
