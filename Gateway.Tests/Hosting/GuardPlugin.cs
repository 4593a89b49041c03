using McpGateway.Core.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Tests.Hosting;

/// <summary>Registers <see cref="GuardedInspector"/> with options from <c>pluginOptions:guard</c>.</summary>
internal sealed class GuardPlugin : IGatewayPlugin
{
    public void ConfigureServices(IServiceCollection services, IConfiguration options) =>
        services.AddInspector<GuardedInspector, GuardOptions>(GuardedInspector.InspectorName, "guard");
}
