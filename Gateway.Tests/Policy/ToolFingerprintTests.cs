using System.Text.Json.Nodes;
using McpGateway.Core.Policy;

namespace McpGateway.Tests.Policy;

[TestFixture]
public sealed class ToolFingerprintTests
{
    private static string Of(string json) => ToolFingerprint.Compute(JsonNode.Parse(json)!.AsObject());

    [Test]
    public void Compute_MemberOrderAndEscaping_DoNotChangeIt()
    {
        var plain = Of("""{"name":"query","description":"Runs SQL","inputSchema":{"type":"object","required":["sql"]}}""");
        var reordered = Of("""{"inputSchema":{"required":["sql"],"type":"object"},"description":"Runs SQ\u004c","name":"query","title":"ignored"}""");

        Assert.That(reordered, Is.EqualTo(plain));
    }

    [TestCase("""{"name":"query","description":"Runs SQL!","inputSchema":{"type":"object","required":["sql"]}}""")]
    [TestCase("""{"name":"query","description":"Runs SQL","inputSchema":{"type":"object","required":["sql","x"]}}""")]
    [TestCase("""{"name":"query","description":"Runs SQL","inputSchema":{"type":"object","required":["sql"]},"annotations":{"destructiveHint":true}}""")]
    public void Compute_ChangedMeaning_Differs(string changed)
    {
        var original = Of("""{"name":"query","description":"Runs SQL","inputSchema":{"type":"object","required":["sql"]}}""");

        Assert.That(Of(changed), Is.Not.EqualTo(original));
    }
}
