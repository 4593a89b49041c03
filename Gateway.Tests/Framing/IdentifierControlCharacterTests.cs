using System.Buffers;
using System.Text;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using NUnit.Framework;

namespace McpGateway.Tests.Framing;

/// <summary>The scanner refuses control characters in the identifiers the rules and logs use, at every segment split.</summary>
[TestFixture]
internal sealed class IdentifierControlCharacterTests
{
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a\u0000b"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"params":{"name":"a\u001fb"},"method":"tools/call"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{"name":"a\u007fb"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"file:///x\u0000.txt"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"file:///x\u009b.txt"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"resources/unsubscribe","params":{"uri":"file:///x\n.txt"}}""")]
    [TestCase("""{"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":"file:///x\t.txt"}}""")]
    [TestCase("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"prompts/get\",\"params\":{\"name\":\"a\u0085b\"}}")]
    public void Scan_ControlCharacterInIdentifier_InvalidParamsAtEverySplit(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        for (var offset = 0; offset <= bytes.Length; offset++)
        {
            var scanner = new EnvelopeScanner(FrameLimits.Default);
            var error = scanner.Scan(SegmentedSequence.SplitAt(bytes, offset), out _);
            Assert.That(error, Is.SameAs(GatewayErrors.ControlCharacterInIdentifier), $"split at {offset}");
        }
    }

    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read_file","arguments":{"text":"line\nbreak\u0000"}}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{"name":"caf\u00e9 \u2028"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"file:///a%00b.txt"}}""")]
    [TestCase("""{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"a\u0000b"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x-custom","params":{"name":"a\u0000b"}}""")]
    public void Scan_ControlCharacterOutsideIdentifiers_Accepted(string json)
    {
        var scanner = new EnvelopeScanner(FrameLimits.Default);

        var error = scanner.Scan(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)), out _);

        Assert.That(error, Is.Null);
    }

    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/li\u0000st"}""")]
    [TestCase("""{"jsonrpc":"2.0","method":"x\r\ny"}""")]
    public void Scan_ControlCharacterInMethod_InvalidRequestWithId(string json)
    {
        var scanner = new EnvelopeScanner(FrameLimits.Default);

        var error = scanner.Scan(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)), out _);

        Assert.That(error, Is.SameAs(GatewayErrors.ControlCharacterInMethod));
    }

    [TestCase("", false)]
    [TestCase("plain", false)]
    [TestCase("caf\u00e9\u00a0\u2028", false)]
    [TestCase("a\u0000", true)]
    [TestCase("\u001b[2J", true)]
    [TestCase("a\u007f", true)]
    [TestCase("a\u0080", true)]
    [TestCase("a\u009f", true)]
    public void HasControlCharacter_Utf8_DetectsC0DelAndC1(string text, bool expected)
    {
        Assert.That(JsonTextChecks.HasControlCharacter(Encoding.UTF8.GetBytes(text)), Is.EqualTo(expected));
    }
}
