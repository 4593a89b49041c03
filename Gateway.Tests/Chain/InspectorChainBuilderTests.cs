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
    public void Build_FixedEndsAndConfiguredMiddle_OrdersAuthenticationFirstMaskingLast()
    {
        var chain = Build(
            [Reg("mask", ChainSlot.Masking), Reg("b"), Reg("auth", ChainSlot.Authentication, InspectedDirections.ClientToUpstream), Reg("a")],
            "b", "a");

        Assert.That(chain.Names, Is.EqualTo(new[] { "auth", "b", "a", "mask" }));
        Assert.That(chain.Describe(), Is.EqualTo("client->upstream: auth > b > a > mask\nupstream->client: b > a > mask"));
    }

    [Test]
    public void Build_RecordingNamedInTheOrderOrRegistered_RefusedAsTheSessionsTerminalStage()
    {
        var ex = Assert.Throws<InvalidChainException>(() => Build([Reg("a"), Reg("recording")], "a", "recording"));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Errors, Has.One.StartWith("inspectors[1]: 'recording' is not an inspector: recording is the session's terminal stage"));
            Assert.That(ex.Errors, Has.One.EqualTo("inspector 'recording': 'recording' is the name of the session's recording stage, not available to an inspector"));
            Assert.That(ex.Errors, Has.Count.EqualTo(2));
        });
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
