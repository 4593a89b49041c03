using System.Buffers;
using System.Text;
using McpGateway.Core.Framing;
using McpGateway.Core.FrontDoor;

namespace McpGateway.Tests.FrontDoor;

/// <summary>
/// Stateless requests are renumbered for the shared session and get their own id back, byte for byte, spliced where
/// the envelope scanner found the id; the front door's facts of a request come from the same scan.
/// </summary>
[TestFixture]
internal sealed class JsonRpcIdSpliceTests
{
    [TestCase("""{"jsonrpc":"2.0","id":"a\"b","method":"tools/list"}""", "\"a\\\"b\"")]
    [TestCase("""{"jsonrpc":"2.0","method":"tools/list","id":7}""", "7")]
    [TestCase("""{"params":{"id":1},"id":"x","jsonrpc":"2.0","method":"m"}""", "\"x\"")]
    [TestCase("""{ "jsonrpc" : "2.0" , "id" : 12345678 , "method" : "ping" }""", "12345678")]
    public void Replace_TopLevelId_OnlyItChangesAndComesBack(string message, string originalId)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        var envelope = Scan(bytes);
        var oldId = envelope.IdValue.RawIn(bytes).ToArray();

        var renumbered = JsonRpcIdSplice.Replace(bytes, envelope.IdValue, "42"u8);
        var restored = JsonRpcIdSplice.Replace(renumbered, Scan(renumbered).IdValue, oldId);

        Assert.Multiple(() =>
        {
            Assert.That(Encoding.UTF8.GetString(oldId), Is.EqualTo(originalId));
            Assert.That(Encoding.UTF8.GetString(renumbered), Is.EqualTo(message.Replace(originalId, "42", StringComparison.Ordinal)));
            Assert.That(Scan(renumbered).Id, Is.EqualTo(JsonRpcId.FromNumber(42)));
            Assert.That(Encoding.UTF8.GetString(restored), Is.EqualTo(message));
        });
    }

    [Test]
    public void Replace_NoSuchValue_Throws()
    {
        var bytes = """{"jsonrpc":"2.0","method":"notifications/initialized"}"""u8.ToArray();

        Assert.Throws<ArgumentException>(() => JsonRpcIdSplice.Replace(bytes, Scan(bytes).IdValue, "1"u8));
    }

    [Test]
    public void Replace_CancelledRequestId_OnlyParamsRequestIdChanges()
    {
        var bytes = """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"reason":"x","requestId":"c-1"}}"""u8.ToArray();

        var replaced = JsonRpcIdSplice.Replace(bytes, Scan(bytes).CancelledRequestIdValue, "17"u8);

        Assert.That(Encoding.UTF8.GetString(replaced), Is.EqualTo("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"reason":"x","requestId":17}}"""));
    }

    [Test]
    public void RequestFacts_ToolsCall_ProgressTokenAndNameFromParamsOnly()
    {
        var call = """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"_meta":{"progressToken":"p-1"},"name":"echo","arguments":{"name":"not this"}}}"""u8.ToArray();
        var read = """{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"file:///a","_meta":{"progressToken":5}}}"""u8.ToArray();
        var progress = """{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":5,"progress":1}}"""u8.ToArray();

        Assert.Multiple(() =>
        {
            Assert.That(RequestFacts.Of(Scan(call), call), Is.EqualTo(new RequestFacts("s:p-1", "echo")));
            Assert.That(RequestFacts.Of(Scan(read), read), Is.EqualTo(new RequestFacts("n:5", "file:///a")));
            Assert.That(RequestFacts.ProgressKey(Scan(progress).ProgressToken, progress), Is.EqualTo("n:5"));
        });
    }

    private static FrameEnvelope Scan(byte[] message)
    {
        Assert.That(new EnvelopeScanner(FrameLimits.Default).Scan(new ReadOnlySequence<byte>(message), out var envelope), Is.Null);
        return envelope;
    }
}
