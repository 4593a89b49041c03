using System.Buffers;
using System.Text;
using McpGateway.Inspectors.Policy;

namespace McpGateway.Tests.Policy;

[TestFixture]
public sealed class ToolCallResultTests
{
    [TestCase("""{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"Unknown tool"}}""", false, true)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"error":{"code":-32602,"message":"Unknown tool"}}""", true, true)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"content":[],"isError":true}}""", true, true)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"content":[],"isError":true}}""", false, false)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"content":[],"isError":false}}""", true, false)]
    [TestCase("""{"jsonrpc":"2.0","id":1,"result":{"content":[]}}""", true, false)]
    [TestCase("""{"jsonrpc":"2.0","id":1}""", true, true)]
    public void IsFailure_Response_ReadsErrorAndIsError(string frame, bool includeToolErrors, bool expected)
    {
        var payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(frame));

        Assert.That(ToolCallResult.IsFailure(payload, includeToolErrors), Is.EqualTo(expected));
    }
}
