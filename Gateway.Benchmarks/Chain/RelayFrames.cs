using System.Globalization;
using System.Text;

namespace McpGateway.Benchmarks.Chain;

/// <summary>Newline-terminated <c>tools/call</c> requests and their responses, each padded to a given size.</summary>
internal static class RelayFrames
{
    /// <summary><paramref name="count"/> requests with ids 1..count, each <paramref name="frameBytes"/> long plus its newline.</summary>
    public static byte[] Requests(int count, int frameBytes) => Lines(count, frameBytes, static id =>
        ($$"""{"jsonrpc":"2.0","id":{{id}},"method":"tools/call","params":{"name":"echo","arguments":{"text":""", "\"}}}"));

    /// <summary>The responses to <see cref="Requests"/>, same ids, same size.</summary>
    public static byte[] Responses(int count, int frameBytes) => Lines(count, frameBytes, static id =>
        ($$"""{"jsonrpc":"2.0","id":{{id}},"result":{"content":[{"type":"text","text":""", "\"}]}}"));

    private static byte[] Lines(int count, int frameBytes, Func<string, (string Prefix, string Suffix)> shape)
    {
        var text = new StringBuilder();
        for (var id = 1; id <= count; id++)
        {
            var (prefix, suffix) = shape(id.ToString(CultureInfo.InvariantCulture));
            var padding = Math.Max(1, frameBytes - prefix.Length - suffix.Length - 1);
            text.Append(prefix).Append('"').Append('x', padding).Append(suffix).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
