using System.Text;
using System.Text.Json;

namespace McpGateway.Tests.EndToEnd.Hostile;

/// <summary>One line a <see cref="SpyUpstream"/> received, byte-exact without its <c>\n</c>, with what it could read from it.</summary>
internal sealed class SpyLine
{
    private SpyLine(byte[] bytes, string? method, string? rawId)
    {
        Bytes = bytes;
        Method = method;
        RawId = rawId;
    }

    public byte[] Bytes { get; }

    /// <summary>The method, when the line is a JSON object with a string <c>method</c>.</summary>
    public string? Method { get; }

    /// <summary>The <c>id</c> exactly as written, when the line is a JSON object with one.</summary>
    public string? RawId { get; }

    public bool IsRequest => Method is not null && RawId is not null;

    /// <summary>The MCP handshake (<c>initialize</c> or <c>notifications/initialized</c>), which every real client sends first.</summary>
    public bool IsHandshake => Method is "initialize" or "notifications/initialized";

    public string Text => Encoding.UTF8.GetString(Bytes);

    public static SpyLine Read(byte[] bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new SpyLine(bytes, null, null);
            }

            var method = root.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            var rawId = root.TryGetProperty("id", out var id) ? id.GetRawText() : null;
            return new SpyLine(bytes, method, rawId);
        }
        catch (JsonException)
        {
            return new SpyLine(bytes, null, null);
        }
    }

    /// <summary>The echo answer to this request: same raw id, <c>{"echo":method}</c>.</summary>
    public byte[] EchoResponse() => ResponseWith($$"""{"echo":{{JsonSerializer.Serialize(Method)}}}""");

    /// <summary>A response to this request with the given raw result JSON.</summary>
    public byte[] ResponseWith(string rawResult) =>
        Encoding.UTF8.GetBytes($$"""{"jsonrpc":"2.0","id":{{RawId}},"result":{{rawResult}}}""");

    public override string ToString() => Text;
}
