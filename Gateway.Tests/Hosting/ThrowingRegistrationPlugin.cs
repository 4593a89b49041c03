using McpGateway.Core.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Tests.Hosting;

/// <summary>A plugin that registers an inspector and then gives up.</summary>
internal sealed class ThrowingRegistrationPlugin : IGatewayPlugin
{
    public void ConfigureServices(IServiceCollection services, IConfiguration options)
    {
        services.AddInspector<GuardedInspector, GuardOptions>("half-registered");
        throw new InvalidOperationException("no licence key");
    }
}
