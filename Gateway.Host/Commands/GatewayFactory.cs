using McpGateway.WebConsole;
using McpGateway.Core.Configuration;
using McpGateway.Core.Hosting;
using McpGateway.Inspectors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpGateway.Host.Commands;

/// <summary>The composition root: core, built-in inspectors, and whatever the caller adds.</summary>
internal static class GatewayFactory
{
    public static GatewayApplication Create(
        GatewaySettings settings,
        Action<IServiceCollection>? configureServices = null,
        Action<ILoggingBuilder>? configureLogging = null) =>
        GatewayApplication.Create(
            settings,
            services =>
            {
                services.AddBuiltInInspectors(settings);
                services.AddGatewayConsole(settings);
                configureServices?.Invoke(services);
            },
            configureLogging);
}
