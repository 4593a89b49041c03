using McpGateway.Core.Chain;
using McpGateway.Core.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Tests.Chain;

[TestFixture]
public sealed class InspectorChainBuilderTests
{
    private static InspectorRegistration Reg(string name, ChainSlot slot = ChainSlot.Middle, InspectedDirections directions = InspectedDirections.Both) =>
        new(name, slot, _ => new RecordingInspector(name, directions));

    private static InspectorChain Build(IEnumerable<InspectorRegistration> registrations, params string[] middle) =>
        InspectorChainBuilder.Build(registrations, middle, new ServiceCollection().BuildServiceProvider(), NullLogger.Instance);

    [Test]
    public void Build_FixedEndsAndConfiguredMiddle_OrdersAuthenticationFirstRecordingLast()
    {
        var chain = Build(
            [Reg("record", ChainSlot.Recording), Reg("b"), Reg("auth", ChainSlot.Authentication, InspectedDirections.ClientToUpstream), Reg("a")],
            "b", "a");

        Assert.That(chain.Names, Is.EqualTo(new[] { "auth", "b", "a", "record" }));
        Assert.That(chain.Describe(), Is.EqualTo("client->upstream: auth > b > a > record\nupstream->client: b > a > record"));
    }

    [Test]
    public void Build_MiddleInspectorNotNamedInConfig_IsLeftOut()
    {
        var chain = Build([Reg("a"), Reg("unused")], "a");

        Assert.That(chain.Names, Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public void Build_EveryMistake_ReportedAtOnce()
    {
        var ex = Assert.Throws<InvalidChainException>(() => Build(
            [Reg("a"), Reg("a"), Reg("auth", ChainSlot.Authentication), Reg("auth2", ChainSlot.Authentication)],
            "missing", "auth", "a", "a"));

        Assert.That(ex!.Errors, Has.Some.Contains("'a' is registered twice"));
        Assert.That(ex.Errors, Has.Some.Contains("only one inspector may hold the Authentication end"));
        Assert.That(ex.Errors, Has.Some.Contains("no inspector named 'missing'"));
        Assert.That(ex.Errors, Has.Some.Contains("'auth' always runs at the Authentication end"));
        Assert.That(ex.Errors, Has.Some.Contains("'a' appears twice"));
        Assert.That(ex.Errors, Has.Count.EqualTo(5));
    }

    [Test]
    public void Build_InspectorReportingAnotherName_IsRefused()
    {
        var registration = new InspectorRegistration("configured", ChainSlot.Middle, _ => new RecordingInspector("actual", InspectedDirections.Both));

        Assert.That(() => Build([registration], "configured"), Throws.TypeOf<InvalidChainException>().With.Message.Contains("reports the name 'actual'"));
    }

    [Test]
    public void AddInspector_ThroughDependencyInjection_CreatesOneInstance()
    {
        var services = new ServiceCollection();
        services.AddInspector("di", _ => new RecordingInspector("di", InspectedDirections.Both));
        using var provider = services.BuildServiceProvider();

        var chain = InspectorChainBuilder.Build(provider.GetServices<InspectorRegistration>(), ["di"], provider, NullLogger.Instance);

        Assert.That(chain.NamesFor(McpGateway.Core.Framing.FrameDirection.UpstreamToClient), Is.EqualTo(new[] { "di" }));
    }
}
