using System.Globalization;
using System.Text;

namespace McpGateway.Benchmarks.Upstream;

/// <summary>
/// Log-like text for response payloads: timestamps, UUIDs, order ids and SHA-256 digests, the digits and hex a tool
/// result typically carries, and nothing a masking detector matches. The same text on every run (seeded UUIDs).
/// </summary>
internal static class LogText
{
    /// <summary>Line <paramref name="n"/>, without its newline.</summary>
    public static string Line(int n)
    {
        Span<byte> uuid = stackalloc byte[16];
        new Random(n).NextBytes(uuid);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"2026-11-22T01:51:49.{n % 1000:D3}Z INFO request {new Guid(uuid)} served /api/v1/orders/ORD-{1000000 + n} in 12ms sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    /// <summary>Exactly <paramref name="length"/> characters of JSON string content (lines end with an escaped newline).</summary>
    public static string Escaped(int length)
    {
        var text = new StringBuilder(length + 256);
        for (var n = 0; text.Length < length; n++)
        {
            text.Append(Line(n)).Append("\\n");
        }

        text.Length = length;

        // Never end inside an escape.
        if (text[^1] == '\\')
        {
            text[^1] = 'x';
        }

        return text.ToString();
    }
}
