using System.Text.RegularExpressions;
using McpGateway.Core.Admin;
using McpGateway.Core.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace McpGateway.WebConsole;

/// <summary>
/// The console's middleware on the admin listener: a strict Content-Security-Policy (no inline script or style, forms
/// only to the console and the issuer, no framing) and no caching for every console response; a browser opening an
/// approval notice's link (<c>/approvals/{id}</c>, no bearer token, asking for HTML) is sent to the console's page of
/// that request; then authentication, authorization and antiforgery.
/// </summary>
internal sealed partial class ConsolePipeline(OidcSettings oidc) : IAdminPipeline
{
    private readonly string _policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        + $"form-action 'self' {new Uri(oidc.Issuer).GetLeftPart(UriPartial.Authority)}; frame-ancestors 'none'; base-uri 'none'";

    public void Configure(IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("McpGateway.Console");
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
            }
            catch (Exception ex) when (IssuerFailure(ex) && !context.Response.HasStarted
                && context.Request.Path.StartsWithSegments(ConsoleSchemes.Root, StringComparison.Ordinal))
            {
                // A sign-in that cannot start (the issuer is down or refuses the request) says so instead of a bare 500.
                ConsoleLog.IssuerFailed(logger, ex);
                context.Response.Clear();
                context.Response.StatusCode = StatusCodes.Status502BadGateway;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("The console cannot reach the identity provider, or it refused the sign-in request; the gateway's log says why. Try again later.\n", context.RequestAborted).ConfigureAwait(false);
            }
        });
        app.Use((context, next) =>
        {
            var path = context.Request.Path;
            if (HttpMethods.IsGet(context.Request.Method) && path.Value is { } value && ApprovalLink().Match(value) is { Success: true } link
                && context.Request.Headers.Authorization.Count == 0 && context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Redirect(ConsoleSchemes.Root + "/approvals/" + link.Groups[1].Value);
                return Task.CompletedTask;
            }

            if (path.StartsWithSegments(ConsoleSchemes.Root, StringComparison.Ordinal))
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = _policy;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "same-origin";
                if (!path.StartsWithSegments(ConsoleRoutes.AssetsPath, StringComparison.Ordinal))
                {
                    headers.CacheControl = "no-store";
                }
            }

            return next(context);
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
    }

    private static bool IssuerFailure(Exception ex) =>
        ex is OpenIdConnectProtocolException or HttpRequestException or InvalidOperationException { InnerException: IOException or HttpRequestException };

    [GeneratedRegex("^/approvals/([0-9A-Za-z_-]{1,128})$", RegexOptions.CultureInvariant)]
    private static partial Regex ApprovalLink();
}
