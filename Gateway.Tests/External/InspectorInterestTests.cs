using McpGateway.Core.Chain;
using McpGateway.Inspectors.External;

namespace McpGateway.Tests.External;

[TestFixture]
internal sealed class InspectorInterestTests
{
    private static readonly ExternalInspectorSettings Settings = new()
    {
        Name = "x",
        Transport = ExternalTransport.Tcp,
        Host = "127.0.0.1",
        Port = 1,
        Budget = TimeSpan.FromMilliseconds(200),
        MaxConcurrency = 8,
    };

    private static HelloReply Reply(int version = 1, string[]? directions = null, string[]? methods = null, string[]? kinds = null, double? budgetMs = null, int? maxConcurrency = null) => new()
    {
        ProtocolVersion = version,
        Directions = [.. directions ?? ["clientToUpstream"]],
        Methods = [.. methods ?? ["tools/call"]],
        Kinds = kinds is null ? null : [.. kinds],
        BudgetMs = budgetMs,
        MaxConcurrency = maxConcurrency,
    };

    [Test]
    public void Parse_SmallerBudgetAndConcurrency_Kept()
    {
        var interest = InspectorInterest.Parse(Reply(budgetMs: 50, maxConcurrency: 2), Settings, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(error, Is.Null);
            Assert.That(interest.Budget, Is.EqualTo(TimeSpan.FromMilliseconds(50)));
            Assert.That(interest.MaxConcurrency, Is.EqualTo(2));
            Assert.That(interest.Directions, Is.EqualTo(InspectedDirections.ClientToUpstream));
            Assert.That(interest.Methods, Is.EquivalentTo(new[] { "tools/call" }));
        });
    }

    [Test]
    public void Parse_LargerBudgetAndConcurrency_CappedByConfiguration()
    {
        var interest = InspectorInterest.Parse(Reply(budgetMs: 5000, maxConcurrency: 1000), Settings, out _);

        Assert.Multiple(() =>
        {
            Assert.That(interest.Budget, Is.EqualTo(TimeSpan.FromMilliseconds(200)));
            Assert.That(interest.MaxConcurrency, Is.EqualTo(8));
        });
    }

    [Test]
    public void Parse_Star_MeansEveryMethod()
    {
        var interest = InspectorInterest.Parse(Reply(methods: ["*"], directions: ["clientToUpstream", "upstreamToClient"]), Settings, out _);

        Assert.Multiple(() =>
        {
            Assert.That(interest.Methods, Is.Null);
            Assert.That(interest.Directions, Is.EqualTo(InspectedDirections.Both));
        });
    }

    [TestCase(2, null, null, null, "protocol version 2")]
    [TestCase(1, "sideways", null, null, "unknown direction 'sideways'")]
    [TestCase(1, null, "", null, "methods must name at least one method")]
    [TestCase(1, null, null, "gossip", "unknown kind 'gossip'")]
    public void Parse_UnusableHello_SaysWhy(int version, string? direction, string? method, string? kind, string expected)
    {
        InspectorInterest.Parse(
            Reply(version, direction is null ? null : [direction], method is null ? null : [method], kind is null ? null : [kind]),
            Settings,
            out var error);

        Assert.That(error, Does.Contain(expected));
    }

    [Test]
    public void Parse_NoDirections_Refused()
    {
        InspectorInterest.Parse(new HelloReply { ProtocolVersion = 1, Directions = [], Methods = ["tools/call"] }, Settings, out var error);

        Assert.That(error, Is.EqualTo("it asks for no direction"));
    }
}
