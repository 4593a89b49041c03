using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using McpGateway.Tests.EndToEnd.Support;

namespace McpGateway.Tests.EndToEnd.Hostile;

/// <summary>Frames and checks shared by the hostile-input tests.</summary>
internal static partial class HostileWire
{
    /// <summary>Put into hostile frames; a gateway error must never echo it.</summary>
    public const string Marker = "SECRET-MARKER-123";

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A ping request with a string id.</summary>
    public static byte[] Ping(string id) => Utf8($$"""{"jsonrpc":"2.0","id":"{{id}}","method":"ping"}""");

    public static byte[] WithNewline(byte[] frame) => [.. frame, (byte)'\n'];

    /// <summary>Reads exactly <paramref name="count"/> lines; fails when the gateway closes first.</summary>
    public static async Task<List<string>> ReadLinesAsync(RawMcpClient client, int count, CancellationToken cancellationToken)
    {
        var lines = new List<string>(count);
        while (lines.Count < count)
        {
            lines.Add(await client.ReadLineAsync(cancellationToken)
                ?? throw new EndOfStreamException($"the gateway closed after {lines.Count} of {count} lines: {string.Join(" | ", lines)}"));
        }

        return lines;
    }

    public static JsonObject Parse(string line) => JsonNode.Parse(line)!.AsObject();

    /// <summary>True when <paramref name="line"/> is a response (result or error) whose id is the string <paramref name="id"/>.</summary>
    public static bool IsResponseTo(string line, string id)
    {
        var message = Parse(line);
        return !message.ContainsKey("method") && JsonNode.DeepEquals(message["id"], id);
    }

    /// <summary>
    /// Asserts a gateway error as the wire contract describes it: the code, data.reason and data.correlationId, the id
    /// (JSON null when <paramref name="id"/> is null), and no echo of the marker.
    /// </summary>
    public static void AssertGatewayError(string line, int code, string reason, JsonNode? id)
    {
        var message = Parse(line);
        var error = message["error"];
        Assert.Multiple(() =>
        {
            Assert.That(line, Does.Not.Contain(Marker), "an error never echoes the offending input");
            Assert.That((string?)message["jsonrpc"], Is.EqualTo("2.0"));
            Assert.That(message.ContainsKey("id"), Is.True, "an error always carries id, null when unknown");
            Assert.That(JsonNode.DeepEquals(message["id"], id), Is.True, $"id: expected {id?.ToJsonString() ?? "null"} in {line}");
            Assert.That(error, Is.Not.Null, line);
            Assert.That((int?)error?["code"], Is.EqualTo(code), line);
            Assert.That((int?)error?["code"], Is.Not.EqualTo(-32603), "-32603 must never be produced by hostile input");
            Assert.That(error?["message"]?.GetValueKind(), Is.EqualTo(System.Text.Json.JsonValueKind.String), line);
            Assert.That((string?)error?["data"]?["reason"], Is.EqualTo(reason), line);
            Assert.That((string?)error?["data"]?["correlationId"], Does.Match(CorrelationId()), line);
        });
    }

    /// <summary>Asserts the spy's echo of a ping with <paramref name="id"/>.</summary>
    public static void AssertEchoed(string line, string id, string method = "ping")
    {
        var message = Parse(line);
        Assert.Multiple(() =>
        {
            Assert.That((string?)message["id"], Is.EqualTo(id), line);
            Assert.That((string?)message["result"]?["echo"], Is.EqualTo(method), line);
        });
    }

    /// <summary>The byte-exact lines an upstream connection received after the client's handshake, for assertions.</summary>
    public static IEnumerable<byte[]> Received(SpyConnection connection) => connection.Traffic.Select(l => l.Bytes);

    // "<24 hex session id>:<sequence>", as GatewaySession.CorrelationId writes it.
    [GeneratedRegex("^[0-9a-f]{24}:[0-9]+$")]
    private static partial Regex CorrelationId();
}
