using System.Buffers;
using System.Diagnostics;
using System.Text;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using NUnit.Framework;

namespace McpGateway.Tests.Framing;

/// <summary>The parsing rule: duplicate members, UTF-8, surrogates and NUL, nesting depth and JSON itself.</summary>
internal sealed partial class EnvelopeScannerTests
{
    // ---- parsing rule: duplicates --------------------------------------------------------------------------

    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":{"b":1,"c":{"d":1,"d":2}}}}""", 1L)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":[{"a":1},{"a":1,"a":2}]}""", 1L)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"ping","Method":"tools/call"}""", 1L)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"ping","method":"tools/call"}""", 1L)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{},"param\u017f":{}}""", 1L)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{},"paramſ":{}}""", 1L)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"k":1,"\u212A":2}}""", 1L)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"Kelvin":1,"Kelvin":2}}""", 1L)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"name":1,"n\u0061me":2}}""", 1L)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"ABCDEFGHIJ":1,"abcdefghij":2}}""", 1L)]
    [TestCase("""{"jsonrpc":"2.0","jsonrpc":"2.0","id":1,"method":"x"}""", 1L)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"id":1,"method":"x"}""", null)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"Id":2,"method":"x"}""", null)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"ıd":2,"method":"x"}""", null)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"İ":1,"i":2}}""", 1L)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"i\u0064":2,"method":"x"}""", null)]
    public void Scan_DuplicateMember_ReturnsDuplicateMember(string json, object? recoveredId)
    {
        AssertRejected(json, GatewayErrors.DuplicateMember, recoveredId);
    }

    [TestCase(20_000, null, false)]
    [TestCase(20_000, "m0", true)]
    [TestCase(20_000, "M19999", true)]
    [TestCase(20_000, "m1\u017f", false)]
    [TestCase(17, "m16", true)]
    [TestCase(16, "m3", true)]
    [TestCase(5, "m2", true)]
    public void Scan_ObjectWithManyMembers_FindsOnlyRealDuplicates(int members, string? extra, bool duplicate)
    {
        // params holds the members (each with a one-member object), then "extra"; an unknown envelope member
        // repeats the same names in another object, which must not count as duplicates of the first.
        var json = new StringBuilder("""{"jsonrpc":"2.0","id":1,"method":"x","params":{""");
        for (int i = 0; i < members; i++)
        {
            json.Append(i == 0 ? "" : ",").Append("\"m").Append(i).Append("\":{\"m").Append(i).Append("\":0}");
        }

        if (extra is not null)
        {
            json.Append(",\"").Append(extra).Append("\":0");
        }

        json.Append("},\"other\":{");
        for (int i = 0; i < members; i++)
        {
            json.Append(i == 0 ? "" : ",").Append("\"m").Append(i).Append("\":0");
        }

        byte[] frame = Utf8(json.Append("}}").ToString());

        AssertRejected(
            frame,
            duplicate ? GatewayErrors.DuplicateMember : GatewayErrors.UnknownEnvelopeMember,
            recoveredId: 1L,
            stride: Math.Max(1, frame.Length / 40));
    }

    [Test]
    public void Scan_HostileObjectWith200kMembers_ScansInLinearTime()
    {
        var json = new StringBuilder("""{"jsonrpc":"2.0","id":1,"method":"x","params":{""");
        for (int i = 0; i < 200_000; i++)
        {
            json.Append(i == 0 ? "\"" : ",\"").Append(i).Append("\":0");
        }

        byte[] frame = Utf8(json.Append("}}").ToString());
        var scanner = new EnvelopeScanner(FrameLimits.Default);
        scanner.Scan(new ReadOnlySequence<byte>(frame), out _);

        var stopwatch = Stopwatch.StartNew();
        GatewayError? error = scanner.Scan(new ReadOnlySequence<byte>(frame), out _);
        stopwatch.Stop();

        Assert.That(error, Is.Null);
        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
    }

    // ---- parsing rule: UTF-8, surrogates, NUL ------------------------------------------------------------------

    private static IEnumerable<TestCaseData> InvalidUtf8Frames()
    {
        (string Name, byte[] Bytes)[] sequences =
        [
            ("overlong slash C0 AF", [0xC0, 0xAF]),
            ("overlong C1 81", [0xC1, 0x81]),
            ("overlong E0 80 AF", [0xE0, 0x80, 0xAF]),
            ("overlong F0 80 80 AF", [0xF0, 0x80, 0x80, 0xAF]),
            ("surrogate-encoded ED A0 80", [0xED, 0xA0, 0x80]),
            ("surrogate-encoded ED BF BF", [0xED, 0xBF, 0xBF]),
            ("surrogate pair encoded separately", [0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80]),
            ("above U+10FFFF", [0xF4, 0x90, 0x80, 0x80]),
            ("truncated 3-byte", [0xE2, 0x82]),
            ("truncated 4-byte", [0xF0, 0x9F, 0x98]),
            ("lone continuation", [0x80]),
            ("lead without continuation", [0xC3, 0x41]),
            ("FE", [0xFE]),
            ("FF", [0xFF]),
            ("F5", [0xF5, 0x80, 0x80, 0x80]),
        ];

        foreach ((string name, byte[] bytes) in sequences)
        {
            yield return new TestCaseData(Concat("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"v":"a""", bytes, "\"}}"))
                .SetArgDisplayNames($"in a value: {name}");
            yield return new TestCaseData(Concat("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"k""", bytes, "\":1}}"))
                .SetArgDisplayNames($"in a name: {name}");
        }

        yield return new TestCaseData(Concat("""{"jsonrpc":"2.0","id":1,"method":"x"}""", [0xE2, 0x82]))
            .SetArgDisplayNames("truncated at the end of the frame");
        yield return new TestCaseData(Concat("""{"jsonrpc":"2.0","id":1,"method":"x"} """, [0xF0]))
            .SetArgDisplayNames("lead byte at the end of the frame");
    }

    [TestCaseSource(nameof(InvalidUtf8Frames))]
    public void Scan_InvalidUtf8_ReturnsInvalidUtf8(byte[] frame)
    {
        AssertRejected(frame, GatewayErrors.InvalidUtf8, recoveredId: null);
    }

    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"v":"\uD800"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"v":"\uDC00"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"v":"\ud800"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"v":"a\uD83D"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"v":"\uD800x"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"v":"\uD800\u0041"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"v":"\uD800\n"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"v":"\uD800\uD800"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"v":"\uDC00\uD800"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"v":"\\\uDC00"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"v":["\uD83D\uDE00","\uDE00"]}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"\uD800":1}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x\uDFFF"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t\uD800"}}""")]
    [TestCase("""{"params":{"name":"t\uD800"},"jsonrpc":"2.0","id":1,"method":"tools/call"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":"\uDBFF"}""")]
    public void Scan_UnpairedSurrogateEscape_ReturnsUnpairedSurrogate(string json)
    {
        AssertRejected(json, GatewayErrors.UnpairedSurrogate, recoveredId: 1L);
    }

    [Test]
    public void Scan_UnpairedSurrogateAtEndOfLongEscapedString_ReturnsUnpairedSurrogate()
    {
        string text = string.Concat(Enumerable.Repeat("line\\n\\\"q\\\" \\u00e9 \\uD83D\\uDE00 ", 300));
        string valid = $$$"""{"jsonrpc":"2.0","id":1,"result":{"text":"{{{text}}}"}}""";
        string invalid = $$$"""{"jsonrpc":"2.0","id":1,"result":{"text":"{{{text}}}\uD83D"}}""";

        Assert.That(AssertAccepted(valid, stride: 97).Kind, Is.EqualTo(MessageKind.Response));
        AssertRejected(Utf8(invalid), GatewayErrors.UnpairedSurrogate, JsonRpcId.FromNumber(1), stride: 97);
    }

    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"a\u0000b":1}}""", 1L)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"\u0000":1}}""", 1L)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":{"x\u0000":1}}}""", 1L)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"id\u0000":2,"method":"x"}""", null)]
    public void Scan_NulInMemberName_ReturnsNulInMemberName(string json, object? recoveredId)
    {
        AssertRejected(json, GatewayErrors.NulInMemberName, recoveredId);
    }

    // ---- parsing rule: depth and JSON itself -------------------------------------------------------------------

    [TestCase(64, true)]
    [TestCase(65, false)]
    public void Scan_NestingDepth_AcceptsUpToTheLimit(int levels, bool accepted)
    {
        // The envelope object is level 1; params and everything inside add one level each.
        string arrays = new string('[', levels - 1) + new string(']', levels - 1);
        string objects = string.Concat(Enumerable.Repeat("{\"a\":", levels - 1)) + "1" + new string('}', levels - 1);
        foreach (string json in new[]
        {
            $$"""{"jsonrpc":"2.0","id":1,"method":"x","params":{{arrays}}}""",
            $$"""{"jsonrpc":"2.0","id":1,"method":"x","params":{{objects}}}""",
        })
        {
            if (accepted)
            {
                AssertAccepted(json);
            }
            else
            {
                AssertRejected(json, GatewayErrors.TooDeep, recoveredId: null);
            }
        }
    }

    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":1}}""", true)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":[]}}""", true)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":[[]]}}""", false)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":{"b":{}}}}""", false)]
    public void Scan_ConfiguredDepth_IsTheLimit(string json, bool accepted)
    {
        var limits = new FrameLimits(MaxDepth: 3);
        if (accepted)
        {
            AssertAccepted(json, limits);
        }
        else
        {
            AssertRejected(Utf8(json), GatewayErrors.TooDeep, JsonRpcId.None, limits);
        }
    }

    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"ping"} x""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"ping"}{}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"ping"},""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"ping",}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"ping","params":[1,]}""")]
    [TestCase("""/* c */{"jsonrpc":"2.0","id":1,"method":"ping"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"ping"} // c""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,""")]
    [TestCase("""{'jsonrpc':'2.0'}""")]
    [TestCase("""{"jsonrpc":"2.0","id":01,"method":"ping"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":NaN,"method":"ping"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"p\x"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"p\u12"}""")]
    [TestCase("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"p\ting\"}")]
    [TestCase("\uFEFF{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}")]
    [TestCase("""[{"jsonrpc":"2.0","id":1,"method":"ping"}""")]
    [TestCase("")]
    [TestCase(" ")]
    [TestCase("\r")]
    public void Scan_MalformedJson_ReturnsParseErrorWithoutId(string json)
    {
        AssertRejected(json, GatewayErrors.ParseError, recoveredId: null);
    }

    [TestCase("""[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"ping"}]""")]
    [TestCase("""[]""")]
    [TestCase(""" [1] """)]
    public void Scan_Batch_ReturnsBatchWithoutId(string json)
    {
        AssertRejected(json, GatewayErrors.Batch, recoveredId: null);
    }

    [TestCase("\"{}\"")]
    [TestCase("1")]
    [TestCase("null")]
    [TestCase("true")]
    public void Scan_TopLevelNotAnObject_ReturnsNotAnObject(string json)
    {
        AssertRejected(json, GatewayErrors.NotAnObject, recoveredId: null);
    }
}
