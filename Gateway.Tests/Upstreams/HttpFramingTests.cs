using System.Buffers;
using System.Text;
using McpGateway.Core.Framing;
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
    public void Of_ClaimAndNameSource_FoundWhateverTheMemberOrder()
    {
        var headers = Headers("""{"params":{"uri":"file:///x","_meta":{"progressToken":1,"io.modelcontextprotocol/protocolVersion":"2026-07-28"}},"method":"resources/read","id":1,"jsonrpc":"2.0"}""");

        Assert.That(headers, Is.EqualTo(new McpHeaders("2026-07-28", "file:///x", HasClaim: true)));
    }

    [TestCase("""{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}""", false)]
    [TestCase("""{"_meta":{"io.modelcontextprotocol/protocolVersion":"2025-06-18"}}""", false)]
    [TestCase("""{"_meta":{"io.modelcontextprotocol/protocolVersion":"2025-06-18\r\nX-Evil: 1"}}""", true)]
    [TestCase("""{"_meta":{"io.modelcontextprotocol/protocolVersion":"2099-01-01"}}""", true)]
    [TestCase("""{"_meta":{"io.modelcontextprotocol/protocolVersion":20260728}}""", true)]
    [TestCase("""{"_meta":{"io.modelcontextprotocol\u002fprotocolVersion":"x"}}""", true)]
    [TestCase("""{"_meta":{"progressToken":1}}""", false)]
    public void Of_ClaimedVersion_OnlyTheClosedSetIsUsable(string parameters, bool invalid) =>
        Assert.That(Headers($$"""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{{parameters}}}""").ClaimIsInvalid, Is.EqualTo(invalid));

    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"name":"not this"}}}""", "echo")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{"name":"p"}}""", "p")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tasks/get","params":{"taskId":"t-1"}}""", "t-1")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"name":"n"}}""", null)]
    public void Of_Name_TheMemberTheMethodActsOn(string frame, string? name) =>
        Assert.That(Headers(frame).Name, Is.EqualTo(name));

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

    private static McpHeaders Headers(string json)
    {
        var frame = Encoding.UTF8.GetBytes(json);
        Assert.That(new EnvelopeScanner(FrameLimits.Default).Scan(new ReadOnlySequence<byte>(frame), out var envelope), Is.Null);
        return McpHeaders.Of(envelope, frame);
    }
}
