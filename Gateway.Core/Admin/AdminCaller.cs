using McpGateway.Core.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Core.Admin;

/// <summary>
/// Authenticates a caller of the admin HTTP API with an OIDC access token from the same identity provider and the
/// same rules as MCP connections (<c>Authorization: Bearer</c>), and checks its groups. On failure the response is
/// already written (401 with <c>WWW-Authenticate</c>, or 403) and the caller gets null.
/// </summary>
internal static class AdminCaller
{
    /// <summary>The identity behind the request's bearer token, if it is valid and in one of <paramref name="allowedGroups"/>.</summary>
    public static async ValueTask<GatewayIdentity?> AuthenticateAsync(HttpContext context, IReadOnlyCollection<string> allowedGroups)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(allowedGroups);
        var token = BearerToken(context.Request.Headers.Authorization.ToString());
        if (token is null)
        {
            await WriteProblemAsync(context, StatusCodes.Status401Unauthorized, "unauthenticated", "Bearer realm=\"mcpgateway-admin\"").ConfigureAwait(false);
            return null;
        }

        var authenticator = context.RequestServices.GetRequiredService<IGatewayAuthenticator>();
        var outcome = await authenticator.AuthenticateAsync(token, context.RequestAborted).ConfigureAwait(false);
        if (outcome.Identity is not { } identity)
        {
            var reason = outcome.Error?.Reason ?? "invalid_token";
            await WriteProblemAsync(context, StatusCodes.Status401Unauthorized, reason, $"Bearer realm=\"mcpgateway-admin\", error=\"invalid_token\"").ConfigureAwait(false);
            return null;
        }

        if (!identity.Groups.Any(allowedGroups.Contains))
        {
            await WriteProblemAsync(context, StatusCodes.Status403Forbidden, "forbidden", null).ConfigureAwait(false);
            return null;
        }

        return identity;
    }

    /// <summary>The token of an <c>Authorization: Bearer</c> header value, or null.</summary>
    public static string? BearerToken(string? authorization)
    {
        const string Scheme = "Bearer ";
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = authorization.AsSpan(Scheme.Length).Trim();
        return token.IsEmpty ? null : token.ToString();
    }

    /// <summary>Writes <c>{"error": reason}</c> with <paramref name="status"/>; never echoes the request.</summary>
    public static Task WriteProblemAsync(HttpContext context, int status, string reason, string? wwwAuthenticate)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        if (wwwAuthenticate is not null)
        {
            context.Response.Headers.WWWAuthenticate = wwwAuthenticate;
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync($"{{\"error\":\"{reason}\"}}", context.RequestAborted);
    }
}
