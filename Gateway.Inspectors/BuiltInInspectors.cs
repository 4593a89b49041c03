using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Core.Hosting;
using McpGateway.Core.Identity;
using McpGateway.Inspectors.Authentication;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Inspectors;

/// <summary>Registers the built-in inspectors and the authenticator the configuration asks for.</summary>
public static class BuiltInInspectors
{
    public static IServiceCollection AddBuiltInInspectors(this IServiceCollection services, GatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        switch (settings.AuthMode)
        {
            case AuthMode.None:
                services.AddSingleton<IGatewayAuthenticator, DevelopmentAuthenticator>();
                break;
        }

        services.AddInspector<AuthenticationInspector>(AuthenticationInspector.InspectorName, ChainSlot.Authentication);
        return services;
    }
}
