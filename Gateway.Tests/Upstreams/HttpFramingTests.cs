using System.Text;
using McpGateway.Core.Upstreams.Http;

namespace McpGateway.Tests.Upstreams;

/// <summary>How one HTTP message becomes one frame (<see cref="JsonLine"/>) and how header values are written (<see cref="McpHeaders"/>).</summary>
[TestFixture]
internal sealed class HttpFramingTests
{
    [TestCase("{\"a\":1}", "{\"a\":1}")]
    [TestCase("{\r\n  \"a\": 1\n}", "{    \"a\": 1 }")]
    [TestCase("{\"t\":\"x\\ny\"}", "{\"t\":\"x\\ny\"}")]
    [TestCase("{\"t\":\"q\\\"\",\n\"u\":2}", "{\"t\":\"q\\\"\", \"u\":2}")]
    public void Normalize_LineBreaksOutsideStrings_BecomeSpaces(string message, string expected)
    {
        var line = JsonLine.Normalize(Encoding.UTF8.GetBytes(message));

        Assert.That(Encoding.UTF8.GetString(line!), Is.EqualTo(expected));
    }

    [TestCase("{\"t\":\"a\nb\"}")]
    [TestCase("{\"t\":\"a\\\\\rb\"}")]
    public void Normalize_RawLineBreakInsideString_IsRefusedNotRepaired(string message) =>
        Assert.That(JsonLine.Normalize(Encoding.UTF8.GetBytes(message)), Is.Null);

    [TestCase("echo", "echo")]
    [TestCase("file:///tmp/a b.txt", "file:///tmp/a b.txt")]
    [TestCase(" padded", "=?base64?IHBhZGRlZA==?=")]
    [TestCase("größe", "=?base64?Z3LDtsOfZQ==?=")]
    [TestCase("=?base64?abc?=", "=?base64?PT9iYXNlNjQ/YWJjPz0=?=")]
    [TestCase("", "=?base64??=")]
    public void EncodeValue_UnsafeValues_WrappedInBase64Sentinel(string value, string expected) =>
        Assert.That(McpHeaders.EncodeValue(value), Is.EqualTo(expected));

    [Test]
    public void Read_ClaimAndNameSource_FoundWhateverTheMemberOrder()
    {
        var frame = """{"params":{"uri":"file:///x","_meta":{"progressToken":1,"io.modelcontextprotocol/protocolVersion":"2026-07-28"}},"method":"resources/read","id":1,"jsonrpc":"2.0"}"""u8;

        var headers = McpHeaders.Read(frame, "resources/read");

        Assert.That(headers, Is.EqualTo(new McpHeaders("2026-07-28", "file:///x", HasClaim: true)));
    }

    [TestCase("""{"params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""", false)]
    [TestCase("""{"params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2025-06-18"}}}""", false)]
    [TestCase("""{"params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2025-06-18\r\nX-Evil: 1"}}}""", true)]
    [TestCase("""{"params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2099-01-01"}}}""", true)]
    [TestCase("""{"params":{"_meta":{"io.modelcontextprotocol/protocolVersion":20260728}}}""", true)]
    [TestCase("""{"params":{"_meta":{"io.modelcontextprotocol\u002fprotocolVersion":"x"}}}""", true)]
    [TestCase("""{"params":{"_meta":{"progressToken":1}}}""", false)]
    public void Read_ClaimedVersion_OnlyTheClosedSetIsUsable(string frame, bool invalid) =>
        Assert.That(McpHeaders.Read(Encoding.UTF8.GetBytes(frame), "tools/call").ClaimIsInvalid, Is.EqualTo(invalid));

    [TestCase("tools/call", true)]
    [TestCase("x-acme/do.it", true)]
    [TestCase("tools/call\r\nX-Evil: 1", false)]
    [TestCase("tools call", false)]
    [TestCase("werkzeug/größe", false)]
    [TestCase("", false)]
    public void IsMethodToken_MethodNames_TokenGrammarOnly(string method, bool valid) =>
        Assert.That(OutgoingHeaders.IsMethodToken(method), Is.EqualTo(valid));

    [TestCase("3f1e-session", true)]
    [TestCase("a b", false)]
    [TestCase("abc\r\nX-Evil: 1", false)]
    [TestCase("nul\0", false)]
    [TestCase("", false)]
    public void IsVisibleAscii_UpstreamChosenIds_NoWhitespaceOrControls(string value, bool valid) =>
        Assert.That(OutgoingHeaders.IsVisibleAscii(value), Is.EqualTo(valid));

    [Test]
    public void Add_ValueOutsideItsGrammar_ThrowsAndAddsNothing()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1/mcp");

        Assert.Throws<InvalidOperationException>(() => OutgoingHeaders.Add(request, "Mcp-Session-Id", "a\r\nHost: evil", _ => true));
        Assert.That(request.Headers.Contains("Mcp-Session-Id"), Is.False);
    }
}
