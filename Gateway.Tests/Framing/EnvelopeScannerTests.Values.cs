using System.Buffers;
using System.Text;
using System.Text.Json;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using NUnit.Framework;

namespace McpGateway.Tests.Framing;

/// <summary>
/// Where the single pass notes the values later stages read (progress token, target, versions, ids to splice,
/// authenticate params), so that none of them parses the frame again. Every case also runs split at every offset.
/// </summary>
internal sealed partial class EnvelopeScannerTests
{
    [TestCase(ToolsCall, "\"p-42\"", "p-42")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":{"progressToken":17}}}""", "17", null)]
    [TestCase("""{"params":{"_meta":{"progressToken":"a\"b\u00e9"}},"id":1,"method":"resources/list","jsonrpc":"2.0"}""", "\"a\\\"b\\u00e9\"", "a\"bé")]
    [TestCase("""{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"t-1","progress":1}}""", "\"t-1\"", "t-1")]
    [TestCase("""{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":2.5,"progress":1}}""", "2.5", null)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"_m\u0065ta":{"progressToken":"esc"},"name":"t"}}""", "\"esc\"", "esc")]
    public void Scan_ProgressToken_NotesItsRawValue(string json, string raw, string? text)
    {
        byte[] frame = Utf8(json);
        FrameEnvelope envelope = AssertAccepted(json);

        Assert.That(Raw(envelope.ProgressToken, frame), Is.EqualTo(raw));
        Assert.That(envelope.ProgressToken.GetString(frame), Is.EqualTo(text));
        Assert.That(envelope.ProgressToken.GetString(SegmentedSequence.OneBytePerSegment(frame)), Is.EqualTo(text));
    }

    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","arguments":{"_meta":{"progressToken":"x"},"progressToken":"y"}}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","progressToken":"x"}}""")]
    [TestCase("""{"jsonrpc":"2.0","method":"notifications/progress","params":{"_meta":{"progressToken":"x"},"progress":1}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"_meta":{"progressToken":"x"}}}""")]
    public void Scan_ProgressTokenElsewhere_NotNoted(string json) =>
        Assert.That(AssertAccepted(json).ProgressToken.IsPresent, Is.False);

    [TestCase(ToolsCall, "read_file")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"params":{"arguments":{"name":"inner"},"name":"outer"},"method":"prompts/get"}""", "outer")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"name":"n","uri":"file:///a b"}}""", "file:///a b")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tasks/get","params":{"taskId":"task-9"}}""", "task-9")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tasks/cancel","params":{"taskId":"task-9"}}""", "task-9")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"\u0074ool"}}""", "tool")]
    public void Scan_Target_NotesTheMemberTheMethodActsOn(string json, string expected) =>
        Assert.That(AssertAccepted(json).Target.GetString(Utf8(json)), Is.EqualTo(expected));

    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"resources/subscribe","params":{"uri":"file:///a"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"ping","params":{"name":"n"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/list"}""")]
    public void Scan_TargetOfAMethodWithout_NotNoted(string json) =>
        Assert.That(AssertAccepted(json).Target.IsPresent, Is.False);

    [Test]
    public void Scan_InitializeRequest_NotesTheVersionItAsksFor()
    {
        const string Json = """{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}""";

        Assert.That(AssertAccepted(Json).ProtocolVersion.GetString(Utf8(Json)), Is.EqualTo("2025-06-18"));
    }

    [Test]
    public void Scan_InitializeResult_NotesProtocolVersionAndSupportedVersions()
    {
        const string Json = """{"jsonrpc":"2.0","id":0,"result":{"protocolVersion":"2025-11-25","supportedVersions":["2025-06-18","2026-07-28"],"serverInfo":{"protocolVersion":"x"}}}""";
        byte[] frame = Utf8(Json);

        FrameEnvelope envelope = AssertAccepted(Json);

        Assert.That(envelope.ProtocolVersion.GetString(frame), Is.EqualTo("2025-11-25"));
        Assert.That(envelope.SupportedVersions.Kind, Is.EqualTo(JsonValueKind.Array));
        Assert.That(Raw(envelope.SupportedVersions, frame), Is.EqualTo("["));
    }

    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""", JsonValueKind.String, "\"2026-07-28\"")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","_meta":{"io.modelcontextprotocol/protocolVersion":20260728}}}""", JsonValueKind.Number, "20260728")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","_meta":{"io.modelcontextprotocol/protocolVersion":null}}}""", JsonValueKind.Null, "null")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","_meta":{"io.modelcontextprotocol/protocolVersion":{"v":1}}}}""", JsonValueKind.Object, "{")]
    [TestCase("""{"jsonrpc":"2.0","method":"notifications/initialized","params":{"_meta":{"io.modelcontextprotocol\/protocolVersion":"2026-07-28"}}}""", JsonValueKind.String, "\"2026-07-28\"")]
    public void Scan_ProtocolVersionClaim_NotedWhateverItsType(string json, JsonValueKind kind, string raw)
    {
        FrameEnvelope envelope = AssertAccepted(json);

        Assert.That(envelope.ProtocolVersionClaim.Kind, Is.EqualTo(kind));
        Assert.That(Raw(envelope.ProtocolVersionClaim, Utf8(json)), Is.EqualTo(raw));
    }

    [TestCase("""{"jsonrpc":"2.0","id":42,"method":"ping"}""", "42")]
    [TestCase("""{"jsonrpc":"2.0","id":"a\"b","method":"ping"}""", "\"a\\\"b\"")]
    [TestCase("""{"jsonrpc":"2.0","id" : -7 ,"result":{}}""", "-7")]
    [TestCase("""{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}""", "null")]
    [TestCase("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", "")]
    public void Scan_Id_NotesItsRawValue(string json, string raw) =>
        Assert.That(Raw(AssertAccepted(json).IdValue, Utf8(json)), Is.EqualTo(raw));

    [TestCase("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"r-1","reason":"x"}}""", "\"r-1\"")]
    [TestCase("""{"params":{"requestId":12},"method":"notifications/cancelled","jsonrpc":"2.0"}""", "12")]
    public void Scan_CancelledRequestId_NotesItsRawValue(string json, string raw) =>
        Assert.That(Raw(AssertAccepted(json).CancelledRequestIdValue, Utf8(json)), Is.EqualTo(raw));

    [TestCase("""{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"m","data":{"reason":"id_in_use","rpcId":"x-1"}}}""", "\"x-1\"")]
    [TestCase("""{"jsonrpc":"2.0","id":null,"error":{"data":{"rpcId":5},"code":-32600,"message":"m"}}""", "5")]
    public void Scan_ErrorDataRpcId_NotesItsRawValue(string json, string raw) =>
        Assert.That(Raw(AssertAccepted(json).ErrorRpcId, Utf8(json)), Is.EqualTo(raw));

    [TestCase("""{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"m","data":{"detail":{"rpcId":1}}}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"data":{"rpcId":1}}}""")]
    public void Scan_RpcIdElsewhere_NotNoted(string json) =>
        Assert.That(AssertAccepted(json).ErrorRpcId.IsPresent, Is.False);

    [Test]
    public void Scan_Authenticate_NotesParamsTokenAndConnection()
    {
        const string Json = """{"jsonrpc":"2.0","id":7,"method":"mcpgateway/authenticate","params":{"token":"ey.J\u0053","connection":"files"}}""";
        byte[] frame = Utf8(Json);

        FrameEnvelope envelope = AssertAccepted(Json);

        Assert.That(envelope.Params.Kind, Is.EqualTo(JsonValueKind.Object));
        Assert.That(envelope.AuthenticateToken.GetString(frame), Is.EqualTo("ey.JS"));
        Assert.That(envelope.AuthenticateConnection.GetString(frame), Is.EqualTo("files"));
    }

    [Test]
    public void Scan_RejectedFrame_NotesNoValues()
    {
        var scanner = new EnvelopeScanner(FrameLimits.Default);
        byte[] frame = Utf8("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t","_meta":{"progressToken":"p"}},"extra":1}""");

        Assert.That(scanner.Scan(new ReadOnlySequence<byte>(frame), out FrameEnvelope envelope), Is.SameAs(GatewayErrors.UnknownEnvelopeMember));
        Assert.That(envelope.ProgressToken.IsPresent, Is.False);
        Assert.That(envelope.IdValue.IsPresent, Is.False);
    }

    [Test]
    public void Scan_NextFrameWithoutValues_ForgetsThePreviousOnes()
    {
        var scanner = new EnvelopeScanner(FrameLimits.Default);
        scanner.Scan(new ReadOnlySequence<byte>(Utf8(ToolsCall)), out _);

        scanner.Scan(new ReadOnlySequence<byte>(Utf8("""{"jsonrpc":"2.0","method":"notifications/initialized"}""")), out FrameEnvelope envelope);

        Assert.That(envelope.ProgressToken.IsPresent, Is.False);
        Assert.That(envelope.Target.IsPresent, Is.False);
        Assert.That(envelope.IdValue.IsPresent, Is.False);
    }

    private static string Raw(FrameValue value, byte[] frame) => Encoding.UTF8.GetString(value.RawIn(frame));
}
