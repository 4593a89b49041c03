using System.Buffers;
using System.Diagnostics;
using System.Text;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using NUnit.Framework;

namespace McpGateway.Tests.Framing;

[TestFixture]
internal sealed class EnvelopeScannerTests
{
    private const string ToolsCall =
        """{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"name":"read_file","arguments":{"path":"/srv/data/report.txt","encoding":"utf-8"},"_meta":{"progressToken":"p-42"}}}""";

    // ---- valid shapes ----------------------------------------------------------------------------------------

    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", 1L, McpMethods.Ping)]
    [TestCase("""{"jsonrpc":"2.0","id":0,"method":"ping"}""", 0L, McpMethods.Ping)]
    [TestCase("""{"jsonrpc":"2.0","id":-7,"method":"ping"}""", -7L, McpMethods.Ping)]
    [TestCase("""{"jsonrpc":"2.0","id":-0,"method":"ping"}""", 0L, McpMethods.Ping)]
    [TestCase("""{"jsonrpc":"2.0","id":9007199254740991,"method":"ping"}""", 9007199254740991L, McpMethods.Ping)]
    [TestCase("""{"jsonrpc":"2.0","id":-9007199254740991,"method":"ping"}""", -9007199254740991L, McpMethods.Ping)]
    [TestCase("""{"jsonrpc":"2.0","id":"abc-1","method":"initialize","params":{"protocolVersion":"2025-06-18"}}""", "abc-1", McpMethods.Initialize)]
    [TestCase("""{"jsonrpc":"2.0","id":"","method":"ping"}""", "", McpMethods.Ping)]
    [TestCase("""{"jsonrpc":"2.0","id":"a\"b\u00e9","method":"ping"}""", "a\"bé", McpMethods.Ping)]
    [TestCase("""{"method":"server/discover","id":3,"jsonrpc":"2.0"}""", 3L, McpMethods.ServerDiscover)]
    [TestCase("""{"id":4,"params":{},"method":"tools/list","jsonrpc":"2.0"}""", 4L, McpMethods.ToolsList)]
    [TestCase("""{"jsonrpc":"2.0","id":5,"method":"resources/read","params":["a",1,{"b":[]}]}""", 5L, McpMethods.ResourcesRead)]
    [TestCase(""" {"jsonrpc" : "2.0" , "id" : 6 , "method" : "ping" } """, 6L, McpMethods.Ping)]
    [TestCase("""{"jsonrpc":"2.0","id":7,"method":"mcpgateway/authenticate","params":{"token":"t"}}""", 7L, McpMethods.Authenticate)]
    public void Scan_Request_ReturnsRequestWithIdAndKnownMethod(string json, object id, string method)
    {
        FrameEnvelope envelope = AssertAccepted(json);

        Assert.That(envelope.Kind, Is.EqualTo(MessageKind.Request));
        Assert.That(envelope.Id, Is.EqualTo(ToId(id)));
        Assert.That(envelope.Method, Is.SameAs(string.Intern(method)));
        Assert.That(envelope.IsKnownMethod, Is.True);
        Assert.That(envelope.ToolName, Is.Null);
        Assert.That(envelope.CancelledRequestId.IsNone, Is.True);
    }

    [TestCase("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", McpMethods.NotificationsInitialized)]
    [TestCase("""{"method":"notifications/progress","params":{"progressToken":1,"progress":0.5},"jsonrpc":"2.0"}""", McpMethods.NotificationsProgress)]
    [TestCase("""{"jsonrpc":"2.0","method":"tools/call","params":{"arguments":{}}}""", McpMethods.ToolsCall)]
    public void Scan_Notification_ReturnsNotificationWithoutId(string json, string method)
    {
        FrameEnvelope envelope = AssertAccepted(json);

        Assert.That(envelope.Kind, Is.EqualTo(MessageKind.Notification));
        Assert.That(envelope.Id.IsNone, Is.True);
        Assert.That(envelope.Method, Is.SameAs(string.Intern(method)));
        Assert.That(envelope.ToolName, Is.Null);
    }

    [TestCase("""{"jsonrpc":"2.0","id":8,"result":{"content":[{"type":"text","text":"hi"}],"isError":false}}""", 8L)]
    [TestCase("""{"result":null,"id":"r-1","jsonrpc":"2.0"}""", "r-1")]
    [TestCase("""{"jsonrpc":"2.0","id":9,"result":[1,2,3]}""", 9L)]
    public void Scan_Response_ReturnsResponseWithId(string json, object id)
    {
        FrameEnvelope envelope = AssertAccepted(json);

        Assert.That(envelope.Kind, Is.EqualTo(MessageKind.Response));
        Assert.That(envelope.Id, Is.EqualTo(ToId(id)));
        Assert.That(envelope.Method, Is.Null);
    }

    [TestCase("""{"jsonrpc":"2.0","id":10,"error":{"code":-32601,"message":"Method not found"}}""", 10L)]
    [TestCase("""{"jsonrpc":"2.0","id":"e","error":{"code":-31003,"message":"no","data":{"reason":"x"}}}""", "e")]
    [TestCase("""{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}""", null)]
    public void Scan_ErrorResponse_ReturnsErrorResponseAllowingNullId(string json, object? id)
    {
        FrameEnvelope envelope = AssertAccepted(json);

        Assert.That(envelope.Kind, Is.EqualTo(MessageKind.ErrorResponse));
        Assert.That(envelope.Id, Is.EqualTo(id is null ? JsonRpcId.Null : ToId(id)));
    }

    [TestCase(ToolsCall, "read_file")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools\u002fcall","params":{"name":"read_file"}}""", "read_file")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read\u005ffile"}}""", "read_file")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"\uD83D\uDE00 caf\u00e9 ü"}}""", "😀 café ü")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"arguments":{"name":"inner"},"name":"outer"}}""", "outer")]
    [TestCase("""{"params":{"name":"early"},"jsonrpc":"2.0","method":"tools/call","id":1}""", "early")]
    [TestCase("""{"params":{"name":"ea\u0072ly"},"id":1,"method":"tools\/call","jsonrpc":"2.0"}""", "early")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":""}}""", "")]
    public void Scan_ToolsCall_ReturnsUnescapedToolName(string json, string toolName)
    {
        FrameEnvelope envelope = AssertAccepted(json);

        Assert.That(envelope.Kind, Is.EqualTo(MessageKind.Request));
        Assert.That(envelope.Method, Is.SameAs(McpMethods.ToolsCall));
        Assert.That(envelope.ToolName, Is.EqualTo(toolName));
    }

    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"resultType":"input_required","inputRequests":{}}}""", true)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"input\u0052equests":{"a":{"method":"roots/list"}}}}""", true)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"content":[{"inputRequests":{}}]}}""", false)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","inputRequests":{}}}""", false)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"content":[]}}""", false)]
    public void Scan_ResultMembers_FlagsInputRequestsOnlyAtTheTopOfResult(string json, bool expected)
    {
        FrameEnvelope envelope = AssertAccepted(json);

        Assert.That(envelope.HasInputRequests, Is.EqualTo(expected));
    }

    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","Arguments":{}}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"Name":"t","arguments":{}}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"URI":"file:///x"}}""")]
    [TestCase("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"RequestId":5}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"InputRequests":{}}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"Tools":[]}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","argumentſ":{}}}""")]
    public void Scan_McpMemberOfParamsOrResultInAnotherCase_Refused(string json)
    {
        var scanner = new EnvelopeScanner(FrameLimits.Default);

        var error = scanner.Scan(new ReadOnlySequence<byte>(Utf8(json)), out _);

        Assert.That(error?.Reason, Is.EqualTo("misspelled_member"));
    }

    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","arguments":{"Name":"x","URI":"y","Arguments":1}}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"content":[{"Type":"text"}],"structuredContent":{"Tools":[]}}}""")]
    public void Scan_OtherSpellingsBelowTheMcpMembers_Accepted(string json) => AssertAccepted(json);

    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"completion/complete","params":{"ref":{"type":"ref/prompt","name":"p"},"argument":{"name":"a\u0000","value":"v"}}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"completion/complete","params":{"ref":{"type":"ref/prompt","name":"p","extra":{"name":"x"}},"argument":{"name":"a","value":"v\u0000"}}}""")]
    public void Scan_CompletionControlCharacterOutsideTheRef_Accepted(string json) => AssertAccepted(json);

    [Test]
    public void Scan_SameToolNameTwice_ReturnsTheCachedInstance()
    {
        var scanner = new EnvelopeScanner(FrameLimits.Default);
        byte[] frame = Utf8(ToolsCall);

        scanner.Scan(new ReadOnlySequence<byte>(frame), out FrameEnvelope first);
        scanner.Scan(SegmentedSequence.OneBytePerSegment(frame), out FrameEnvelope second);

        Assert.That(second.ToolName, Is.SameAs(first.ToolName));
    }

    [Test]
    public void Scan_UnknownMethod_AllocatesTheNameAndIsNotKnown()
    {
        FrameEnvelope envelope = AssertAccepted("""{"jsonrpc":"2.0","id":1,"method":"vendor/do\u0020it"}""");

        Assert.That(envelope.Method, Is.EqualTo("vendor/do it"));
        Assert.That(envelope.IsKnownMethod, Is.False);
    }

    [TestCase("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":12,"reason":"user"}}""", 12L)]
    [TestCase("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"reason":"user","requestId":"r\u002d1"}}""", "r-1")]
    [TestCase("""{"params":{"requestId":-3},"method":"notifications/cancelled","jsonrpc":"2.0"}""", -3L)]
    [TestCase("""{"params":{"requestId":"s"},"method":"notifications/cancelled","jsonrpc":"2.0"}""", "s")]
    [TestCase("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"reason":"user"}}""", null)]
    [TestCase("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1.5}}""", null)]
    [TestCase("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":null}}""", null)]
    [TestCase("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":[12]}""", null)]
    [TestCase("""{"jsonrpc":"2.0","method":"notifications/progress","params":{"requestId":12}}""", null)]
    public void Scan_CancelledNotification_ReturnsCancelledRequestIdOrNone(string json, object? requestId)
    {
        FrameEnvelope envelope = AssertAccepted(json);

        Assert.That(envelope.Kind, Is.EqualTo(MessageKind.Notification));
        Assert.That(envelope.CancelledRequestId, Is.EqualTo(requestId is null ? JsonRpcId.None : ToId(requestId)));
    }

    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"ß":1,"ss":2,"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":"\u0000","é":1,"e":2,"ﬁ":3,"fi":4}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"x","params":{"v":"\\uD800","w":"\\\\uDC00","x":"\\\uD83D\uDE00","y":"\ud83d\ude00","z":"\uFFFF"}}""")]
    public void Scan_LegitimateLookalikes_Accepted(string json)
    {
        Assert.That(AssertAccepted(json).Kind, Is.EqualTo(MessageKind.Request));
    }

    [Test]
    public void Scan_NonAsciiUtf8AcrossSegments_Accepted()
    {
        FrameEnvelope envelope = AssertAccepted("""{"jsonrpc":"2.0","id":"é€😀","method":"tools/call","params":{"name":"t€st😀","ключ":"значение"}}""");

        Assert.That(envelope.Id, Is.EqualTo(JsonRpcId.FromString("é€😀")));
        Assert.That(envelope.ToolName, Is.EqualTo("t€st😀"));
    }

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

    // ---- envelope rules ----------------------------------------------------------------------------------------

    [TestCase("""{"Jsonrpc":"2.0","id":1,"method":"ping"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"ping","extra":true}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"ping","":0}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"ping","jsonrpc ":0}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"ping","ﬁ":1}""")]
    public void Scan_UnknownEnvelopeMember_ReturnsUnknownEnvelopeMemberWithId(string json)
    {
        AssertRejected(json, GatewayErrors.UnknownEnvelopeMember, recoveredId: 1L);
    }

    [TestCase("""{"jsonrpc":"1.0","id":1,"method":"ping"}""")]
    [TestCase("""{"jsonrpc":"2.0 ","id":1,"method":"ping"}""")]
    [TestCase("""{"jsonrpc":2.0,"id":1,"method":"ping"}""")]
    [TestCase("""{"jsonrpc":null,"id":1,"method":"ping"}""")]
    [TestCase("""{"id":1,"method":"ping"}""")]
    public void Scan_BadVersion_ReturnsBadVersion(string json)
    {
        AssertRejected(json, GatewayErrors.BadVersion, recoveredId: 1L);
    }

    [Test]
    public void Scan_EscapedVersion_IsComparedAfterUnescaping()
    {
        Assert.That(AssertAccepted("""{"jsonrpc":"2\u002e0","id":1,"method":"ping"}""").Kind, Is.EqualTo(MessageKind.Request));
    }

    [TestCase("""{"jsonrpc":"2.0","id":1e3,"method":"ping"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1E3,"method":"ping"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1.0,"method":"ping"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1.5,"method":"ping"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":9007199254740992,"method":"ping"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":-9007199254740992,"method":"ping"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"ping"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":true,"method":"ping"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":{},"method":"ping"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":[1],"method":"ping"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":null,"method":"ping"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":null,"result":{}}""")]
    public void Scan_BadId_ReturnsBadIdWithoutId(string json)
    {
        AssertRejected(json, GatewayErrors.BadId, recoveredId: null);
    }

    [TestCase("""{"jsonrpc":"2.0","id":1,"method":5}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":null}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":["ping"]}""")]
    public void Scan_MethodNotAString_ReturnsBadMethod(string json)
    {
        AssertRejected(json, GatewayErrors.BadMethod, recoveredId: 1L);
    }

    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"ping","params":"x"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"ping","params":null}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"ping","params":3}""")]
    public void Scan_ParamsNotStructured_ReturnsBadParams(string json)
    {
        AssertRejected(json, GatewayErrors.BadParams, recoveredId: 1L);
    }

    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"ping","result":{}}""", 1L)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"ping","error":{}}""", 1L)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{},"error":{}}""", 1L)]
    [TestCase("""{"jsonrpc":"2.0","id":1}""", 1L)]
    [TestCase("""{"jsonrpc":"2.0"}""", null)]
    [TestCase("""{"jsonrpc":"2.0","result":{}}""", null)]
    [TestCase("""{"jsonrpc":"2.0","error":{"code":1,"message":"m"}}""", null)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"error":"boom"}""", 1L)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"error":[]}""", 1L)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{},"params":{}}""", 1L)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"params":[],"error":{"code":1,"message":"m"}}""", 1L)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"params":{}}""", 1L)]
    public void Scan_MembersFormNoMessage_ReturnsBadShape(string json, object? recoveredId)
    {
        AssertRejected(json, GatewayErrors.BadShape, recoveredId);
    }

    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":["read_file"]}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":5}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":null}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":{"x":"y"}}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"tool":"read_file"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"arguments":{"name":"nested"}}}""")]
    [TestCase("""{"params":{"name":7},"id":1,"method":"tools/call","jsonrpc":"2.0"}""")]
    public void Scan_ToolsCallWithoutStringName_ReturnsToolNameMissing(string json)
    {
        AssertRejected(json, GatewayErrors.ToolNameMissing, recoveredId: 1L);
        Assert.That(GatewayErrors.ToolNameMissing.Code, Is.EqualTo(GatewayErrorCode.InvalidParams));
    }

    // ---- error recovery ----------------------------------------------------------------------------------------

    [TestCase("""{"jsonrpc":"2.0","id":"req-9","method":"ping","x":1}""", "req-9")]
    [TestCase("""{"x":1,"jsonrpc":"2.0","method":"ping","id":9}""", 9L)]
    [TestCase("""{"jsonrpc":"2.0","method":"ping","params":{"a":1,"a":2},"id":9}""", 9L)]
    [TestCase("""{"jsonrpc":"2.0","method":"ping","params":{"\uD800":1},"id":9}""", 9L)]
    [TestCase("""{"jsonrpc":"2.0","id":9,"method":"ping","x":{"a":1,"a":2},"y":"\uDC00"}""", 9L)]
    [TestCase("""{"jsonrpc":"2.0","id":"\uD800","method":"ping"}""", null)]
    [TestCase("""{"jsonrpc":"2.0","id":9,"i\uD800d":1,"method":"ping"}""", null)]
    [TestCase("""{"jsonrpc":"2.0","id":9,"method":"ping","x":1,"id":9}""", null)]
    [TestCase("""{"jsonrpc":"2.0","ID":2,"id":9,"method":"ping"}""", null)]
    public void Scan_SemanticError_RecoversOnlyAnUnambiguousId(string json, object? recoveredId)
    {
        ScanEveryVariant(Utf8(json), (name, error, envelope) =>
        {
            Assert.That(error, Is.Not.Null, name);
            Assert.That(envelope.Id, Is.EqualTo(ToId(recoveredId)), name);
        });
    }

    [TestCase("""{"jsonrpc":"2.0","id":9,"method":"ping","params":{"a":1,"a":2},""")]
    [TestCase("""{"jsonrpc":"2.0","id":9,"method":"ping"}}""")]
    public void Scan_MalformedAfterId_DoesNotRecoverTheId(string json)
    {
        AssertRejected(json, GatewayErrors.ParseError, recoveredId: null);
    }

    [Test]
    public void Scan_FirstErrorWins_LaterViolationsDoNotReplaceIt()
    {
        AssertRejected(
            """{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":1,"A":2,"b":"\uD800"},"extra":1}""",
            GatewayErrors.DuplicateMember,
            recoveredId: 1L);
    }

    [Test]
    public void Scan_ValidFrameAfterRejectedOnes_IsNotAffectedByTheirState()
    {
        var scanner = new EnvelopeScanner(FrameLimits.Default);
        string[] hostile =
        [
            """{"jsonrpc":"2.0","id":1,"method":"x","params":{"a":1,"a":2}}""",
            """{"jsonrpc":"2.0","id":1,"method":"x","params":""",
            """[{"a":{"b":[{"c":1}]}}]""",
            """{"jsonrpc":"2.0","id":1,"method":"x","params":{"v":"\uD800"}}""",
            string.Concat(Enumerable.Repeat("[", 80)),
        ];
        foreach (string frame in hostile)
        {
            scanner.Scan(SegmentedSequence.OneBytePerSegment(Utf8(frame)), out _);
        }

        GatewayError? error = scanner.Scan(new ReadOnlySequence<byte>(Utf8(ToolsCall)), out FrameEnvelope envelope);

        Assert.That(error, Is.Null);
        Assert.That(envelope, Is.EqualTo(new FrameEnvelope(MessageKind.Request, JsonRpcId.FromNumber(42), McpMethods.ToolsCall, true, "read_file", JsonRpcId.None)));
    }

    // ---- allocation --------------------------------------------------------------------------------------------

    [Test]
    public void Scan_TypicalToolsCallAfterWarmUp_AllocatesNothing()
    {
        var scanner = new EnvelopeScanner(FrameLimits.Default);
        var single = new ReadOnlySequence<byte>(Utf8(ToolsCall));
        ReadOnlySequence<byte> segmented = SegmentedSequence.Chunked(Utf8(ToolsCall), 16);
        scanner.Scan(single, out _);
        scanner.Scan(segmented, out _);

        long before = GC.GetAllocatedBytesForCurrentThread();
        GatewayError? singleError = scanner.Scan(single, out FrameEnvelope singleEnvelope);
        GatewayError? segmentedError = scanner.Scan(segmented, out FrameEnvelope segmentedEnvelope);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
        Assert.That(singleError, Is.Null);
        Assert.That(segmentedError, Is.Null);
        Assert.That(singleEnvelope.ToolName, Is.EqualTo("read_file"));
        Assert.That(segmentedEnvelope, Is.EqualTo(singleEnvelope));
    }

    [Test]
    public void TryReadFrameAndScan_TypicalTraffic_AllocatesNothing()
    {
        var scanner = new EnvelopeScanner(FrameLimits.Default);
        byte[] lines = Utf8(
            ToolsCall + "\r\n" +
            """{"jsonrpc":"2.0","id":42,"result":{"content":[{"type":"text","text":"hello\nworld"}],"isError":false}}""" + "\n" +
            """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":42}}""" + "\n");
        ReadOnlySequence<byte> segmented = SegmentedSequence.Chunked(lines, 64);
        ScanAll(scanner, segmented);

        long before = GC.GetAllocatedBytesForCurrentThread();
        int frames = ScanAll(scanner, segmented);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(frames, Is.EqualTo(3));
        Assert.That(allocated, Is.Zero);

        static int ScanAll(EnvelopeScanner scanner, ReadOnlySequence<byte> buffer)
        {
            int valid = 0;
            while (FrameReader.TryReadFrame(ref buffer, FrameLimits.DefaultMaxFrameBytes, out ReadOnlySequence<byte> frame) == FrameReadStatus.Frame)
            {
                valid += scanner.Scan(frame, out _) is null ? 1 : 0;
            }

            return valid;
        }
    }

    [Test]
    public void Ctor_NonPositiveDepth_Throws()
    {
        Assert.That(() => new EnvelopeScanner(new FrameLimits(MaxDepth: 0)), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Concat(string before, byte[] raw, string after = "") => [.. Utf8(before), .. raw, .. Utf8(after)];

    private static JsonRpcId ToId(object? value) => value switch
    {
        null => JsonRpcId.None,
        int number => JsonRpcId.FromNumber(number),
        long number => JsonRpcId.FromNumber(number),
        string text => JsonRpcId.FromString(text),
        JsonRpcId id => id,
        _ => throw new ArgumentException($"Not an id: {value}", nameof(value)),
    };

    // One scanner for every variant, reused as on a connection, so that state left by one frame would show.
    private static void ScanEveryVariant(byte[] frame, Action<string, GatewayError?, FrameEnvelope> check, FrameLimits? limits = null, int stride = 1)
    {
        var scanner = new EnvelopeScanner(limits ?? FrameLimits.Default);
        foreach ((string name, ReadOnlySequence<byte> sequence) in SegmentedSequence.Variants(frame, stride))
        {
            GatewayError? error = scanner.Scan(sequence, out FrameEnvelope envelope);
            check(name, error, envelope);
        }
    }

    private static FrameEnvelope AssertAccepted(string json, FrameLimits? limits = null, int stride = 1)
    {
        var scanner = new EnvelopeScanner(limits ?? FrameLimits.Default);
        byte[] frame = Utf8(json);
        GatewayError? error = scanner.Scan(new ReadOnlySequence<byte>(frame), out FrameEnvelope expected);
        Assert.That(error, Is.Null, "one array");

        ScanEveryVariant(frame, (name, error, envelope) =>
        {
            Assert.That(error, Is.Null, name);
            Assert.That(envelope, Is.EqualTo(expected), name);
        }, limits, stride);
        return expected;
    }

    private static void AssertRejected(string json, GatewayError expected, object? recoveredId) =>
        AssertRejected(Utf8(json), expected, ToId(recoveredId));

    private static void AssertRejected(byte[] frame, GatewayError expected, object? recoveredId, FrameLimits? limits = null, int stride = 1)
    {
        JsonRpcId id = ToId(recoveredId);
        ScanEveryVariant(frame, (name, error, envelope) =>
        {
            Assert.That(error, Is.SameAs(expected), name);
            Assert.That(envelope.Id, Is.EqualTo(id), name);
        }, limits, stride);
    }
}
