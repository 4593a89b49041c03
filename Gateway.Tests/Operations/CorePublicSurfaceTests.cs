using McpGateway.Core.Chain;

namespace McpGateway.Tests.Operations;

/// <summary>
/// Gateway.Core's public types are the inspector contract and nothing else: what a platform team implements or calls.
/// Everything else is internal (the gateway's own assemblies see it through InternalsVisibleTo); each member of the
/// contract is tracked in Gateway.Core/PublicAPI.*.txt by the public API analyzer.
/// </summary>
[TestFixture]
internal sealed class CorePublicSurfaceTests
{
    private static readonly string[] Contract =
    [
        "McpGateway.Core.Chain.IFrameInspector",
        "McpGateway.Core.Chain.IGatewaySession",
        "McpGateway.Core.Chain.InspectedDirections",
        "McpGateway.Core.Chain.McpFrame",
        "McpGateway.Core.Chain.Verdict",
        "McpGateway.Core.Chain.VerdictKind",
        "McpGateway.Core.Errors.GatewayError",
        "McpGateway.Core.Errors.GatewayErrorCode",
        "McpGateway.Core.Framing.FrameDirection",
        "McpGateway.Core.Framing.FrameEnvelope",
        "McpGateway.Core.Framing.FrameLimits",
        "McpGateway.Core.Framing.JsonRpcId",
        "McpGateway.Core.Framing.JsonRpcIdKind",
        "McpGateway.Core.Framing.McpMethods",
        "McpGateway.Core.Framing.MessageKind",
        "McpGateway.Core.Hosting.GatewayServiceCollectionExtensions",
        "McpGateway.Core.Hosting.IGatewayPlugin",
        "McpGateway.Core.Hosting.PluginInspectorException",
        "McpGateway.Core.Identity.GatewayIdentity",
    ];

    [Test]
    public void ExportedTypes_OfCore_AreTheInspectorContract()
    {
        var exported = typeof(IFrameInspector).Assembly.GetExportedTypes().Select(t => t.FullName);

        Assert.That(exported, Is.EquivalentTo(Contract));
    }

    [Test]
    public void ExportedTypes_OfInspectors_None()
    {
        Assert.That(typeof(Inspectors.GatewayConfiguration).Assembly.GetExportedTypes(), Is.Empty);
    }
}
