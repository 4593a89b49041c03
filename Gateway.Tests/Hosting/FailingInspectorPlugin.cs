using McpGateway.Core.Chain;
using McpGateway.Core.Framing;
using McpGateway.Core.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Tests.Hosting;

/// <summary>A platform team's plugin whose inspector throws on every tool call.</summary>
internal sealed class FailingInspectorPlugin : IGatewayPlugin
{
    public const string InspectorName = "fails-always";

    public void ConfigureServices(IServiceCollection services, IConfiguration options) =>
        services.AddInspector(InspectorName, _ => new Inspector());

    private sealed class Inspector : IFrameInspector
    {
        public string Name => InspectorName;

        public InspectedDirections Directions => InspectedDirections.ClientToUpstream;

        public ValueTask<Verdict> InspectAsync(McpFrame frame, CancellationToken cancellationToken) =>
            frame.Method == McpMethods.ToolsCall ? throw new InvalidOperationException("broken rule table") : ValueTask.FromResult(Verdict.Forward);
    }
}
