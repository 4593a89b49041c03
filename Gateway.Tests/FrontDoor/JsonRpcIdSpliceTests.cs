using System.Text;
using McpGateway.Core.FrontDoor;

namespace McpGateway.Tests.FrontDoor;

/// <summary>Stateless requests are renumbered for the shared session and get their own id back, byte for byte.</summary>
[TestFixture]
internal sealed class JsonRpcIdSpliceTests
{
    [TestCase("""{"jsonrpc":"2.0","id":"a\"b","method":"tools/list"}""", "\"a\\\"b\"")]
    [TestCase("""{"jsonrpc":"2.0","method":"tools/list","id":7}""", "7")]
    [TestCase("""{"params":{"id":1},"id":"x","jsonrpc":"2.0","method":"m"}""", "\"x\"")]
    public void Replace_TopLevelId_OnlyItChangesAndComesBack(string message, string originalId)
    {
        var renumbered = JsonRpcIdSplice.Replace(Encoding.UTF8.GetBytes(message), "42"u8, out var oldId);
        var restored = JsonRpcIdSplice.Replace(renumbered, oldId, out var numberId);

        Assert.Multiple(() =>
        {
            Assert.That(Encoding.UTF8.GetString(oldId), Is.EqualTo(originalId));
            Assert.That(Encoding.UTF8.GetString(renumbered!), Is.EqualTo(message.Replace(originalId, "42", StringComparison.Ordinal)));
            Assert.That(Encoding.UTF8.GetString(numberId), Is.EqualTo("42"));
            Assert.That(Encoding.UTF8.GetString(restored!), Is.EqualTo(message));
        });
    }

    [TestCase("""{"jsonrpc":"2.0","method":"notifications/initialized"}""")]
    [TestCase("""[{"jsonrpc":"2.0","id":1}]""")]
    [TestCase("""{"jsonrpc":"2.0","id":{"x":1}}""")]
    [TestCase("""not json""")]
    public void Replace_NoUsableId_Null(string message) =>
        Assert.That(JsonRpcIdSplice.Replace(Encoding.UTF8.GetBytes(message), "1"u8, out _), Is.Null);

    [Test]
    public void ReplaceCancelledRequestId_OnlyParamsRequestIdChanges()
    {
        var replaced = JsonRpcIdSplice.ReplaceCancelledRequestId("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"reason":"x","requestId":"c-1"}}"""u8, "17"u8);
        var missing = JsonRpcIdSplice.ReplaceCancelledRequestId("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"reason":"x"}}"""u8, "17"u8);

        Assert.That(Encoding.UTF8.GetString(replaced!), Is.EqualTo("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"reason":"x","requestId":17}}"""));
        Assert.That(missing, Is.Null);
    }

    [Test]
    public void RequestFacts_ToolsCall_ProgressTokenAndNameFromParamsOnly()
    {
        var facts = RequestFacts.Read("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"_meta":{"progressToken":"p-1"},"name":"echo","arguments":{"name":"not this"}}}"""u8);
        var numeric = RequestFacts.Read("""{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"file:///a","_meta":{"progressToken":5}}}"""u8);
        var progress = RequestFacts.ProgressTokenOfNotification("""{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":5,"progress":1}}"""u8);

        Assert.Multiple(() =>
        {
            Assert.That(facts, Is.EqualTo(new RequestFacts("s:p-1", "echo")));
            Assert.That(numeric, Is.EqualTo(new RequestFacts("n:5", "file:///a")));
            Assert.That(progress, Is.EqualTo("n:5"));
        });
    }
}
