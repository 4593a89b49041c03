using McpGateway.Core.Admin;
using McpGateway.Core.Configuration;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpGateway.WebConsole;

/// <summary>
/// The console's OpenID Connect client: authorization code with PKCE at the gateway's issuer, the answer in the query
/// (so the correlation cookies can stay <c>SameSite=Lax</c>), the identity from the ID token with its claims as the
/// issuer named them (the groups claim is the one <c>auth.groupsClaim</c> names). No tokens are kept in the cookie.
/// </summary>
internal static class ConsoleSignIn
{
    /// <param name="publicUrl"><c>admin.publicUrl</c>: behind a proxy the issuer must send people back there, not to the address Kestrel sees.</param>
    public static void Configure(OpenIdConnectOptions o, OidcSettings oidc, ConsoleSettings console, CookieSecurePolicy secure, Uri? publicUrl)
    {
        o.Authority = oidc.Issuer;
        o.MetadataAddress = oidc.MetadataAddress;
        o.RequireHttpsMetadata = oidc.RequireHttpsMetadata;
        o.ClientId = console.ClientId;
        o.ClientSecret = console.ClientSecret;
        o.ResponseType = "code";
        o.ResponseMode = "query";
        o.UsePkce = true;
        o.CallbackPath = ConsoleSchemes.CallbackPath;
        o.SignInScheme = ConsoleSchemes.Cookie;
        o.Scope.Clear();
        foreach (var scope in console.Scopes)
        {
            o.Scope.Add(scope);
        }

        o.MapInboundClaims = false;
        o.SaveTokens = false;
        o.GetClaimsFromUserInfoEndpoint = false;
        o.TokenValidationParameters.NameClaimType = "name";
        o.TokenValidationParameters.RoleClaimType = oidc.GroupsClaim;
        o.CorrelationCookie.SameSite = SameSiteMode.Lax;
        o.CorrelationCookie.SecurePolicy = secure;
        o.NonceCookie.SameSite = SameSiteMode.Lax;
        o.NonceCookie.SecurePolicy = secure;
        o.Events.OnRedirectToIdentityProvider = context =>
        {
            // A live view's EventSource cannot follow a sign-in; it is told 401 and stops.
            if (context.Request.Path.StartsWithSegments(ConsoleSchemes.LivePrefix.TrimEnd('/'), StringComparison.Ordinal))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.HandleResponse();
            }
            else if (publicUrl is not null)
            {
                // The handler keeps this value for redeeming the code, so both legs name the same URI.
                context.ProtocolMessage.RedirectUri = AdminAddress.Combine(publicUrl, ConsoleSchemes.CallbackPath.TrimStart('/')).AbsoluteUri;
            }

            return Task.CompletedTask;
        };
        o.Events.OnTokenValidated = context =>
        {
            var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("McpGateway.WebConsole");
            var principal = context.Principal!;
            ConsoleLog.SignedIn(logger, principal.FindFirst(oidc.SubjectClaim)?.Value ?? "?", string.Join(",", principal.FindAll(oidc.GroupsClaim).Select(c => c.Value)));
            return Task.CompletedTask;
        };
        o.Events.OnRemoteFailure = async context =>
        {
            // The issuer's error text is shown as plain text, never as markup.
            context.HandleResponse();
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("Sign-in to the console failed: " + (context.Failure?.Message ?? "unknown error") + "\nStart again at /console.", context.HttpContext.RequestAborted).ConfigureAwait(false);
        };
    }
}
