using System.Buffers;
using System.Diagnostics;
using System.Text;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using NUnit.Framework;

namespace McpGateway.Tests.Framing;

[TestFixture]
internal sealed partial class EnvelopeScannerTests
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
        new EnvelopeScanner(FrameLimits.Default).Scan(new ReadOnlySequence<byte>(Utf8(ToolsCall)), out FrameEnvelope fresh);

        Assert.That(error, Is.Null);
        Assert.That(envelope, Is.EqualTo(new FrameEnvelope(MessageKind.Request, JsonRpcId.FromNumber(42), McpMethods.ToolsCall, true, "read_file", JsonRpcId.None) with
        {
            IdValue = fresh.IdValue,
            Params = fresh.Params,
            ProgressToken = fresh.ProgressToken,
            Target = fresh.Target,
        }));
        Assert.That(envelope.ProgressToken.IsPresent, Is.True);
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
