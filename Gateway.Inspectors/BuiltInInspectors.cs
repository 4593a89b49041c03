using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Core.Hosting;
using McpGateway.Core.Identity;
using McpGateway.Core.Policy;
using McpGateway.Inspectors.Authentication;
using McpGateway.Inspectors.Blocking;
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
        if (settings.Policy is not null)
        {
            // Right after authentication, before every configured inspector: a refused call is seen by nothing else.
            var pinsPath = settings.Policy.PinsPath;
            services.AddSingleton(sp => new ToolPinStore(pinsPath, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("McpGateway.Policy")));
            services.AddSingleton<PolicyMonitor>();
            services.AddHostedService(sp => sp.GetRequiredService<PolicyMonitor>());
            services.AddInspector<PolicyInspector>(PolicyInspector.InspectorName, ChainSlot.Policy);
        }

        return services;
    }
}
