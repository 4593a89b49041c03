using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Core.Hosting;
using McpGateway.Core.Identity;
using McpGateway.Inspectors.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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
            case AuthMode.Oidc:
                var oidc = settings.Oidc ?? throw new ArgumentException("auth mode oidc needs its settings", nameof(settings));
                services.AddSingleton(sp => new OidcAuthenticator(oidc, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<OidcAuthenticator>>()));
                services.AddSingleton<IGatewayAuthenticator>(sp => sp.GetRequiredService<OidcAuthenticator>());

                // Started with the gateway: one attempt to load the keys, then kept fresh in the background.
                services.AddHostedService(sp => sp.GetRequiredService<OidcAuthenticator>());
                break;
        }

        services.AddInspector<AuthenticationInspector>(AuthenticationInspector.InspectorName, ChainSlot.Authentication);
        return services;
    }
}
