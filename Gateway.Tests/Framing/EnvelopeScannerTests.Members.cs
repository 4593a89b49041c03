using System.Buffers;
using System.Diagnostics;
using System.Text;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using NUnit.Framework;

namespace McpGateway.Tests.Framing;

/// <summary>
/// What the single pass reads below the envelope: the members of <c>params</c> and <c>result</c> later stages rely on
/// (<c>inputRequests</c>, the MCP member names in their exact spelling, a completion's <c>ref</c>).
/// </summary>
internal sealed partial class EnvelopeScannerTests
{
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
}
