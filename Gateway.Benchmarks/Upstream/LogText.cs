using System.Globalization;
using System.Text;

namespace McpGateway.Benchmarks.Upstream;

/// <summary>
/// Log-like text for response payloads: timestamps, UUIDs, order ids and SHA-256 digests, the digits and hex a tool
/// result typically carries, and nothing a masking detector matches. Written as the content of a JSON string.
/// </summary>
internal static class LogText
{
    /// <summary>Exactly <paramref name="length"/> characters of JSON string content (lines end with an escaped newline).</summary>
    public static string Escaped(int length)
    {
        var text = new StringBuilder(length + 256);
        for (var line = 0; text.Length < length; line++)
        {
            text.Append(CultureInfo.InvariantCulture, $"2026-11-22T01:51:49.{line % 1000:D3}Z INFO request ")
                .Append(Guid.CreateVersion7(DateTimeOffset.UnixEpoch.AddSeconds(line)).ToString())
                .Append(CultureInfo.InvariantCulture, $" served /api/v1/orders/ORD-{1000000 + line} in 12ms sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\\n");
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
