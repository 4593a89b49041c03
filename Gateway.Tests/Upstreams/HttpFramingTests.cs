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

        Assert.That(headers, Is.EqualTo(new McpHeaders("2026-07-28", "file:///x")));
    }
}
