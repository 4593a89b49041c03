using System.Globalization;
using System.Text;

namespace McpGateway.Core.Diagnostics;

/// <summary>
/// A stored or received value as a terminal may show it. Whoever names a tool, a method or a session can put control
/// characters in it to move the cursor, erase a line or paint a forged row; so every control character (C0, DEL, C1),
/// every invisible format character (bidirectional overrides, zero-width marks) and the Unicode line and paragraph
/// separators are written as <c>\uXXXX</c>. Everything else is shown as it is.
/// </summary>
internal static class TerminalText
{
    public static string Printable(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var first = IndexOfUnsafe(text);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16).Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (IsUnsafe(c))
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static int IndexOfUnsafe(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (IsUnsafe(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsUnsafe(char c) => char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
        or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
