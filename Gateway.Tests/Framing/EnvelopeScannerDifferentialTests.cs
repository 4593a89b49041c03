using System.Buffers;
using System.Text;
using System.Text.Json;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Tests.Framing;

/// <summary>
/// A differential test of the scanner's fast path against its full pass on generated frames: envelopes with
/// duplicate and case-folded members, escapes in names and values, nesting at the depth limit, numbers at the edges of
/// the grammar, invalid UTF-8 and surrogates, BOM, NUL and trailing bytes, and params.name, _meta and progress tokens
/// in odd shapes; each then mutated by up to three byte edits. Fixed seed, bounded count. The fast path must give the
/// full pass's answer, and whatever the gateway accepts must be JSON a strict parser reads.
/// </summary>
[TestFixture]
internal sealed class EnvelopeScannerDifferentialTests
{
    private const int MaxDepth = 6;
    private const int Frames = 250_000;

    private static readonly string[] MemberNames =
    [
        "jsonrpc", "id", "method", "params", "result", "error", "Id", "ID", "iD", "Method", "PARAMS",
        "i\\u0064", "\\u0069d", "meth\\u006fd", "id\\u0000", "\\ud800", "\\udc00id", "x", "", " id", "id ",
    ];

    private static readonly string[] ParamsNames =
    [
        "name", "Name", "n\\u0061me", "uri", "ref", "_meta", "_Meta", "progressToken", "requestId", "token",
        "connection", "taskId", "protocolVersion", "arguments", "Arguments", "inputRequests", "name",
    ];

    private static readonly string[] Methods =
    [
        "tools/call", "tools/list", "initialize", "notifications/cancelled", "notifications/progress",
        "resources/read", "prompts/get", "completion/complete", "mcpgateway/authenticate", "tools\\/call",
        "tools/call\\u0000", "x\\u0007y", "TOOLS/CALL", "tools/call ",
    ];

    private static readonly string[] Numbers =
    [
        "0", "-0", "1", "-1", "42", "9007199254740991", "9007199254740992", "-9007199254740991", "-9007199254740992",
        "1.0", "1e2", "1E+2", "1e-2", "0.5", "-0.0", "1e400", "123456789012345678901234567890", "01", "1.", ".5", "-",
        "+1", "0x1", "1e", "1e+", "Infinity", "NaN", "- 1", "1.5e3",
    ];

    private static readonly string[] Strings =
    [
        "\"\"", "\"echo\"", "\"2.0\"", "\"2.0 \"", "\"\\u0032.0\"", "\"a\\\"b\"", "\"\\ud83d\\ude00\"", "\"\\ud83d\"",
        "\"\\ude00\"", "\"\\ud83dx\"", "\"\\u00e9\"", "\"é\"", "\"\\/\"", "\"\\x\"", "\"\\u12\"", "\"tab\\there\"",
        "\"nul\\u0000\"", "\"\\u001f\"", "\"\\u007f\"", "\"\\u0085\"", "\"\\u2028\"", "\"p\"",
        "\"\u00e9t\u00e9\"", "\"\u65e5\u672c\u8a9e\"", "\"\U0001F600 ok\"", "\"a\u00e9\\n\u0800\uFFFD\"", "\"\u007f\u0080\"",
    ];

    private static readonly byte[][] Insertions =
    [
        [0], [0xEF, 0xBB, 0xBF], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xFF], [0xC3], [0xE2, 0x80, 0xA8], [0x7F],
        "\\"u8.ToArray(), "\""u8.ToArray(), "\\u"u8.ToArray(), "{"u8.ToArray(), "}"u8.ToArray(), "["u8.ToArray(),
        "]"u8.ToArray(), ","u8.ToArray(), ":"u8.ToArray(), " "u8.ToArray(), "\t"u8.ToArray(), "\n"u8.ToArray(),
        "\r"u8.ToArray(), [0x0B], [0x0C], [0xA0], "0"u8.ToArray(), "-"u8.ToArray(), "e"u8.ToArray(), "."u8.ToArray(),
        "/*x*/"u8.ToArray(), "//"u8.ToArray(), "true"u8.ToArray(), "null"u8.ToArray(), "\"id\":1,"u8.ToArray(),
        ",\"id\":2"u8.ToArray(), "\"i\\u0064\":3,"u8.ToArray(),
    ];

    [Test]
    [CancelAfter(60_000)]
    public void Scan_GeneratedAndMutatedFrames_FastPathGivesTheFullPassAnswer(CancellationToken cancellationToken)
    {
        var random = new Random(20261207);
        var limits = new FrameLimits(MaxDepth: MaxDepth);
        var fast = new EnvelopeScanner(limits);
        var full = new EnvelopeScanner(limits);
        int fastAccepted = 0;
        var failures = new List<string>();
        for (int i = 0; i < Frames && failures.Count < 5; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            byte[] frame = Mutate(random, Encoding.UTF8.GetBytes(Envelope(random)));

            GatewayError? error = fast.Scan(new ReadOnlySequence<byte>(frame), out FrameEnvelope envelope);
            bool wasOrdinary = fast.LastScanWasOrdinary;
            GatewayError? expectedError = full.Scan(SegmentedSequence.SplitAt(frame, frame.Length / 2), out FrameEnvelope expected);
            fastAccepted += wasOrdinary ? 1 : 0;

            if (!ReferenceEquals(error, expectedError) || envelope != expected)
            {
                failures.Add($"{Show(frame)}\n  fast ({(wasOrdinary ? "fast path" : "full pass")}): {error?.Reason ?? "accepted"} {envelope}\n  full: {expectedError?.Reason ?? "accepted"} {expected}");
            }
            else if (error is null && !StrictlyJson(frame))
            {
                failures.Add($"{Show(frame)}\n  accepted ({(wasOrdinary ? "fast path" : "full pass")}) but not JSON to a strict parser");
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(failures, Is.Empty, string.Join("\n", failures));
            Assert.That(fastAccepted, Is.GreaterThan(Frames / 50), "enough generated frames are ordinary for the fast path to be exercised");
        });
    }

    private static bool StrictlyJson(byte[] frame)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(frame, new JsonDocumentOptions { MaxDepth = MaxDepth + 1 });
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Show(byte[] frame) =>
        string.Concat(frame.Select(b => b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"<{b:X2}>"));

    private static string Envelope(Random random)
    {
        var members = new List<string>();
        members.Add(Member("jsonrpc", random.Next(8) == 0 ? Pick(random, Strings) : "\"2.0\""));
        int shape = random.Next(4);
        if (shape != 1)
        {
            members.Add(Member("id", Id(random)));
        }

        if (shape <= 1)
        {
            members.Add(Member("method", "\"" + Pick(random, Methods) + "\""));
            members.Add(Member("params", Params(random)));
        }
        else if (shape == 2)
        {
            members.Add(Member("result", random.Next(2) == 0 ? Value(random, 2) : """{"protocolVersion":"2025-06-18","supportedVersions":["x"],"inputRequests":{}}"""));
        }
        else
        {
            members.Add(Member("error", """{"code":-32600,"message":"m","data":{"rpcId":""" + Id(random) + "}}"));
        }

        int extra = random.Next(3) == 0 ? random.Next(1, 3) : 0;
        for (int i = 0; i < extra; i++)
        {
            members.Add(Member(Pick(random, MemberNames), Value(random, 1)));
        }

        Shuffle(random, members);
        return Spaced(random) + "{" + Join(random, members) + "}" + Spaced(random);
    }

    private static string Params(Random random)
    {
        var members = new List<string>();
        int count = random.Next(0, 5);
        for (int i = 0; i < count; i++)
        {
            string name = Pick(random, ParamsNames);
            string value = name switch
            {
                "_meta" or "_Meta" => "{" + Join(random, [Member(random.Next(4) == 0 ? "progresstoken" : "progressToken", Id(random)), Member("io.modelcontextprotocol/protocolVersion", Pick(random, Strings))]) + "}",
                "ref" => "{" + Join(random, [Member("type", "\"ref/prompt\""), Member(random.Next(2) == 0 ? "name" : "uri", Pick(random, Strings))]) + "}",
                "arguments" => Nested(random, random.Next(MaxDepth - 3, MaxDepth + 1)),
                _ => random.Next(3) == 0 ? Value(random, 2) : Pick(random, Strings),
            };
            members.Add(Member(name, value));
        }

        return random.Next(10) == 0 ? Value(random, 1) : "{" + Join(random, members) + "}";
    }

    // An object nested `levels` deep below params' own level (params' members sit at depth 2).
    private static string Nested(Random random, int levels)
    {
        string inner = Value(random, MaxDepth);
        for (int i = 0; i < levels; i++)
        {
            inner = random.Next(2) == 0 ? "{" + Member("a", inner) + "}" : "[" + inner + "]";
        }

        return inner;
    }

    private static string Id(Random random) => random.Next(5) switch
    {
        0 => Pick(random, Strings),
        1 => "null",
        2 => Value(random, MaxDepth),
        _ => Pick(random, Numbers),
    };

    private static string Value(Random random, int depth) => random.Next(depth >= MaxDepth ? 4 : 7) switch
    {
        0 => Pick(random, Numbers),
        1 => Pick(random, Strings),
        2 => Pick(random, ["true", "false", "null", "tru", "nul", "True"]),
        3 => Pick(random, Numbers),
        4 => "[" + Join(random, [Value(random, depth + 1), Value(random, depth + 1)]) + "]",
        5 => "{" + Join(random, [Member(Pick(random, ParamsNames), Value(random, depth + 1))]) + "}",
        _ => "{}",
    };

    private static string Member(string name, string value) => "\"" + name + "\":" + value;

    private static string Join(Random random, List<string> members)
    {
        var builder = new StringBuilder();
        for (int i = 0; i < members.Count; i++)
        {
            builder.Append(i == 0 ? Spaced(random) : "," + Spaced(random)).Append(members[i]).Append(Spaced(random));
        }

        return builder.ToString();
    }

    private static string Spaced(Random random) => random.Next(6) switch
    {
        0 => " ",
        1 => "\t\r\n ",
        _ => string.Empty,
    };

    private static byte[] Mutate(Random random, byte[] frame)
    {
        int edits = random.Next(4) == 0 ? 0 : random.Next(1, 4);
        for (int e = 0; e < edits; e++)
        {
            int at = random.Next(frame.Length + 1);
            switch (random.Next(4))
            {
                case 3 when frame.AsSpan().IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0:
                    // Damage a multi-byte sequence: drop one of its bytes, or put a quote in its place.
                    int[] nonAscii = [.. Enumerable.Range(0, frame.Length).Where(i => frame[i] >= 0x80)];
                    int target = nonAscii[random.Next(nonAscii.Length)];
                    frame = random.Next(2) == 0 ? [.. frame.AsSpan(0, target), .. frame.AsSpan(target + 1)] : [.. frame.AsSpan(0, target), (byte)'"', .. frame.AsSpan(target + 1)];
                    break;
                case 0 when at < frame.Length:
                    frame = [.. frame.AsSpan(0, at), .. frame.AsSpan(at + 1)];
                    break;
                case 1 when at < frame.Length:
                    frame = [.. frame];
                    frame[at] = Insertions[random.Next(Insertions.Length)][0];
                    break;
                default:
                    frame = [.. frame.AsSpan(0, at), .. Insertions[random.Next(Insertions.Length)], .. frame.AsSpan(at)];
                    break;
            }
        }

        return frame;
    }

    private static T Pick<T>(Random random, T[] values) => values[random.Next(values.Length)];

    private static void Shuffle(Random random, List<string> values)
    {
        for (int i = values.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }
}
