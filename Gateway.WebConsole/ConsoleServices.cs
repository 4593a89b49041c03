using McpGateway.WebConsole.Access;
using McpGateway.WebConsole.Audit;
using McpGateway.WebConsole.Live;
using McpGateway.Core.Admin;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors.Approval;
using McpGateway.Inspectors.Policy;
using McpGateway.Core.Recording;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpGateway.WebConsole;

/// <summary>
/// Registers the web console when <c>admin.console</c> is configured: OIDC sign-in (authorization code with PKCE) into
/// a cookie scoped to <c>/console</c>, authorization by the admin API's groups, antiforgery, the Razor components and
/// the console's routes on the admin listener.
/// </summary>
internal static class ConsoleServices
{
    public static IServiceCollection AddGatewayConsole(this IServiceCollection services, GatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings is not { Console: { } console, AdminEndpoint: not null, Oidc: { } oidc })
        {
            return services;
        }

        // On loopback plain http is allowed (as for the admin API); behind an https publicUrl every cookie is Secure.
        var secure = settings.AdminPublicUrl?.Scheme == Uri.UriSchemeHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        services.AddSingleton(console);
        services.AddSingleton(sp => new ConsoleAccess(settings, sp.GetService<PolicyMonitor>(), sp.GetServices<IApproverGroupSource>()));
        services.AddSingleton<IAuthorizationHandler, ConsoleRequirementHandler>();
        services.AddSingleton<ConsoleMetrics>();
        if (settings.Audit is { } audit)
        {
            services.AddSingleton(sp => new ConsoleAuditReads(sp.GetRequiredService<IAuditStore>(), console, sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton(sp => new ConsoleVerification(sp.GetRequiredService<ConsoleAuditReads>(), audit, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<ConsoleVerification>>()));
        }

        services.AddRazorComponents();
        services.Configure<AntiforgeryOptions>(o =>
        {
            o.Cookie.Name = "mcpgw-console-antiforgery";
            o.Cookie.Path = ConsoleSchemes.Root;
            o.Cookie.SecurePolicy = secure;
            o.FormFieldName = "__RequestVerificationToken";
        });
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = ConsoleSchemes.Cookie;
                o.DefaultChallengeScheme = ConsoleSchemes.OpenIdConnect;
            })
            .AddCookie(ConsoleSchemes.Cookie, o =>
            {
                o.Cookie.Name = "mcpgw-console";
                o.Cookie.Path = ConsoleSchemes.Root;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = secure;
                o.ExpireTimeSpan = console.SessionLifetime;
                o.SlidingExpiration = true;
                o.AccessDeniedPath = ConsoleSchemes.DeniedPath;

                // A relative Location: behind a proxy the absolute URL Kestrel would build names the wrong host.
                o.Events.OnRedirectToAccessDenied = context =>
                {
                    context.Response.Redirect(new Uri(context.RedirectUri, UriKind.RelativeOrAbsolute) is { IsAbsoluteUri: true } absolute ? absolute.PathAndQuery : context.RedirectUri);
                    return Task.CompletedTask;
                };
            })
            .AddOpenIdConnect(ConsoleSchemes.OpenIdConnect, o => ConsoleSignIn.Configure(o, oidc, console, secure, settings.AdminPublicUrl));
        services.AddAuthorizationBuilder()
            .AddPolicy(ConsoleRequirement.Any, p => p.RequireAuthenticatedUser().AddRequirements(new ConsoleRequirement(ConsoleRole.Any)))
            .AddPolicy(ConsoleRequirement.Approver, p => p.RequireAuthenticatedUser().AddRequirements(new ConsoleRequirement(ConsoleRole.Approver)))
            .AddPolicy(ConsoleRequirement.Auditor, p => p.RequireAuthenticatedUser().AddRequirements(new ConsoleRequirement(ConsoleRole.Auditor)));
        services.AddSingleton<IAdminPipeline>(_ => new ConsolePipeline(oidc));
        services.AddSingleton<IAdminRoutes, ConsoleRoutes>();
        return services;
    }
}
