using System.Reflection;
using System.Text;
using McpGateway.Core.Framing;
using NUnit.Framework;

namespace McpGateway.Tests.Framing;

[TestFixture]
internal sealed class McpMethodsTests
{
    [TestCaseSource(nameof(Defined))]
    public void TryGetKnown_DefinedMethod_ReturnsTheSharedInstance(string method)
    {
        bool known = McpMethods.TryGetKnown(Encoding.UTF8.GetBytes(method), out string? found);

        Assert.That(known, Is.True);
        Assert.That(found, Is.SameAs(string.Intern(method)));
    }

    [TestCase("")]
    [TestCase("Tools/call")]
    [TestCase("tools/call ")]
    [TestCase("tools/cal")]
    [TestCase("tools/calls")]
    [TestCase("tools\\u002fcall")]
    [TestCase("notifications/subscriptions/acknowledged/")]
    [TestCase("sampling/createmessage")]
    public void TryGetKnown_NotExactlyADefinedMethod_ReturnsFalse(string text)
    {
        bool known = McpMethods.TryGetKnown(Encoding.UTF8.GetBytes(text), out string? found);

        Assert.That(known, Is.False);
        Assert.That(found, Is.Null);
    }

    [Test]
    public void Constants_EveryMcpMethodAndAuthenticate_ThirtyFiveDistinctNames()
    {
        string[] defined = Defined().ToArray();

        Assert.That(defined, Has.Length.EqualTo(35).And.Unique);
        Assert.That(defined, Does.Contain("mcpgateway/authenticate").And.Contain("server/discover").And.Contain("notifications/tasks/status"));
    }

    private static IEnumerable<string> Defined() =>
        typeof(McpMethods).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral)
            .Select(field => (string)field.GetRawConstantValue()!);
}
