using System.Buffers;
using System.Text;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Tests.Framing;

/// <summary>
/// The scanner's fast path for ordinary frames (one segment, plain member names) against its full pass (which a frame
/// split across segments always takes): for the frame and for every one-byte deletion, replacement and insertion of
/// it, both give the same error and the same envelope, value places included; the fast path never refuses and never
/// accepts what the full pass refuses.
/// </summary>
[TestFixture]
internal sealed class EnvelopeScannerOrdinaryPathTests
{
    private static readonly byte[] Replacements = [.. "\"\\{}[]:,0-e.E+ Aut\u0001"u8, 0xC3];

    private static readonly string[] Ordinary =
    [
        """{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"echo","arguments":{"text":"xxxxxxxxxxxxxxxx"}}}""",
        """{"jsonrpc":"2.0","id":42,"result":{"content":[{"type":"text","text":"line\none \u00e9"}],"isError":false}}""",
        """{"jsonrpc":"2.0","id":"a-1","method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}""",
        """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"r-7","reason":"user"}}""",
        """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":17}}""",
        """{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":5,"progress":0.5,"total":1e2}}""",
        """{"params":{"name":"read_file","_meta":{"progressToken":"p","io.modelcontextprotocol/protocolVersion":"2026-07-28"}},"id":-3,"method":"tools/call","jsonrpc":"2.0"}""",
        """{"jsonrpc":"2.0","id":9,"method":"completion/complete","params":{"ref":{"type":"ref/prompt","name":"p"},"argument":{"name":"a","value":"v"}}}""",
        """{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"m","data":{"rpcId":"x","reason":"id_in_use"}}}""",
        """{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","supportedVersions":["2025-06-18"],"inputRequests":{}}}""",
        """ { "jsonrpc" : "2.0" , "id" : 6 , "method" : "resources/read" , "params" : { "uri" : "file:///a" , "x" : [ true , false , null , -0.5e-3 ] } } """,
        """{"jsonrpc":"2.0","id":8,"method":"mcpgateway/authenticate","params":{"token":"t","connection":"c"}}""",
        "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"h\u00e9 \u65e5\u672c \U0001F600\\n\u00e9\"}],\"x\":\"\u00e9\"}}",
    ];

    [TestCaseSource(nameof(Ordinary))]
    public void Scan_OrdinaryFrame_TakesTheFastPathWithTheFullPassEnvelope(string json)
    {
        byte[] frame = Encoding.UTF8.GetBytes(json);
        var fast = new EnvelopeScanner(FrameLimits.Default);
        var full = new EnvelopeScanner(FrameLimits.Default);

        GatewayError? error = fast.Scan(new ReadOnlySequence<byte>(frame), out FrameEnvelope envelope);
        GatewayError? expectedError = full.Scan(SegmentedSequence.SplitAt(frame, 1), out FrameEnvelope expected);

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.Null);
            Assert.That(expectedError, Is.Null);
            Assert.That(fast.LastScanWasOrdinary, Is.True, "an ordinary frame takes the fast path");
            Assert.That(full.LastScanWasOrdinary, Is.False, "a split frame takes the full pass");
            Assert.That(envelope, Is.EqualTo(expected));
        });
    }

    [TestCaseSource(nameof(Ordinary))]
    public void Scan_EveryOneByteMutation_FastPathAgreesWithTheFullPass(string json)
    {
        byte[] original = Encoding.UTF8.GetBytes(json);
        var fast = new EnvelopeScanner(FrameLimits.Default);
        var full = new EnvelopeScanner(FrameLimits.Default);
        int accepted = 0;
        int ordinary = 0;
        foreach ((string name, byte[] frame) in Mutations(original))
        {
            GatewayError? error = fast.Scan(new ReadOnlySequence<byte>(frame), out FrameEnvelope envelope);
            GatewayError? expectedError = full.Scan(SegmentedSequence.SplitAt(frame, frame.Length / 2), out FrameEnvelope expected);
            if (!ReferenceEquals(error, expectedError) || envelope != expected)
            {
                Assert.Fail($"{name}: {Encoding.UTF8.GetString(frame)}\nfast: {error?.Reason ?? "accepted"} {envelope}\nfull: {expectedError?.Reason ?? "accepted"} {expected}");
            }

            accepted += error is null ? 1 : 0;
            ordinary += fast.LastScanWasOrdinary ? 1 : 0;
            Assert.That(!fast.LastScanWasOrdinary || error is null, Is.True, $"{name}: the fast path only ever accepts");
        }

        Assert.That(ordinary, Is.GreaterThan(0).And.LessThanOrEqualTo(accepted), "some mutations stay ordinary and are accepted by the fast path");
    }

    [Test]
    public void Scan_NestedToTheDepthLimit_FastPathAgreesAtTheLimitAndOneBeyond()
    {
        var limits = new FrameLimits(MaxDepth: 8);
        foreach (int depth in new[] { 6, 7, 8 })
        {
            string nested = string.Concat(Enumerable.Repeat("""{"a":""", depth)) + "1" + new string('}', depth);
            byte[] frame = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"n","arguments":""" + nested + "}}");
            var fast = new EnvelopeScanner(limits);
            var full = new EnvelopeScanner(limits);

            GatewayError? error = fast.Scan(new ReadOnlySequence<byte>(frame), out FrameEnvelope envelope);
            GatewayError? expectedError = full.Scan(SegmentedSequence.SplitAt(frame, 1), out FrameEnvelope expected);

            Assert.Multiple(() =>
            {
                Assert.That(error, Is.SameAs(expectedError), $"depth {depth}");
                Assert.That(envelope, Is.EqualTo(expected), $"depth {depth}");
                Assert.That(fast.LastScanWasOrdinary, Is.EqualTo(error is null), $"depth {depth}");
            });
        }
    }

    [TestCase(new byte[] { 0xC3 }, TestName = "Scan_InvalidUtf8InAString_FullPassRefusesIt(lone lead byte)")]
    [TestCase(new byte[] { 0xC0, 0xAF }, TestName = "Scan_InvalidUtf8InAString_FullPassRefusesIt(overlong)")]
    [TestCase(new byte[] { 0xED, 0xA0, 0x80 }, TestName = "Scan_InvalidUtf8InAString_FullPassRefusesIt(encoded surrogate)")]
    [TestCase(new byte[] { 0xE6, 0x97 }, TestName = "Scan_InvalidUtf8InAString_FullPassRefusesIt(cut by the quote)")]
    [TestCase(new byte[] { 0x80 }, TestName = "Scan_InvalidUtf8InAString_FullPassRefusesIt(lone continuation)")]
    public void Scan_InvalidUtf8InAString_FullPassRefusesIt(byte[] bad)
    {
        // Valid non-ASCII before the bad bytes: a string's UTF-8 check starts at its first non-ASCII byte and must reach the quote.
        byte[] frame = [.. "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"ok \u00e9 "u8, .. bad, .. "\"}}}"u8];
        var scanner = new EnvelopeScanner(FrameLimits.Default);

        GatewayError? error = scanner.Scan(new ReadOnlySequence<byte>(frame), out FrameEnvelope envelope);

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.SameAs(GatewayErrors.InvalidUtf8));
            Assert.That(scanner.LastScanWasOrdinary, Is.False);
            Assert.That(envelope, Is.EqualTo(default(FrameEnvelope)));
        });
    }

    [Test]
    public void Scan_ValidNonAsciiInStrings_TakesTheFastPath()
    {
        byte[] frame = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"\u00e9cho\",\"arguments\":{\"text\":\"\u00e9\u65e5\U0001F600\u007f\"}}}"u8.ToArray();
        var scanner = new EnvelopeScanner(FrameLimits.Default);

        GatewayError? error = scanner.Scan(new ReadOnlySequence<byte>(frame), out FrameEnvelope envelope);

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.Null);
            Assert.That(scanner.LastScanWasOrdinary, Is.True);
            Assert.That(envelope.ToolName, Is.EqualTo("\u00e9cho"));
        });
    }

    private static IEnumerable<(string Name, byte[] Frame)> Mutations(byte[] original)
    {
        yield return ("unchanged", original);
        for (int i = 0; i < original.Length; i++)
        {
            yield return ($"without byte {i}", [.. original.AsSpan(0, i), .. original.AsSpan(i + 1)]);
            foreach (byte replacement in Replacements)
            {
                byte[] replaced = [.. original];
                replaced[i] = replacement;
                yield return ($"byte {i} as 0x{replacement:X2}", replaced);
                yield return ($"0x{replacement:X2} inserted at {i}", [.. original.AsSpan(0, i), replacement, .. original.AsSpan(i)]);
            }
        }
    }
}
