using System.Globalization;
using System.Net;

namespace McpGateway.Core.Configuration;

/// <summary>The validated <c>admin.console</c> section.</summary>
internal sealed record ConsoleSettings
{
    public static readonly TimeSpan DefaultSessionLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaxSessionLifetime = TimeSpan.FromHours(12);

    public required string ClientId { get; init; }

    public required string ClientSecret { get; init; }

    /// <summary>Always starts with <c>openid</c>.</summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    public TimeSpan SessionLifetime { get; init; } = DefaultSessionLifetime;

    /// <summary>
    /// Checks the section against the rest: it needs the admin listener, OIDC (people sign in at the same issuer), and
    /// approvals or recording (else there is nothing to show); off loopback it needs an https <c>admin.publicUrl</c>,
    /// since it carries session cookies and sign-in codes. Adds every mistake to <paramref name="errors"/>.
    /// </summary>
    public static ConsoleSettings? Parse(AdminOptions? admin, OidcSettings? oidc, IPEndPoint? adminEndpoint, Uri? publicUrl, bool hasApprovalsOrAudit, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (admin?.Console is not { } console)
        {
            return null;
        }

        var count = errors.Count;
        if (string.IsNullOrWhiteSpace(console.ClientId))
        {
            errors.Add("admin.console.clientId: required, the console's client id at the issuer");
        }

        if (string.IsNullOrWhiteSpace(console.ClientSecret))
        {
            errors.Add("admin.console.clientSecret: required (or MCPGW_Admin__Console__ClientSecret in the environment)");
        }

        if (oidc is null)
        {
            errors.Add("admin.console: needs auth.mode \"oidc\"; people sign in to the console at the gateway's issuer");
        }

        if (!hasApprovalsOrAudit)
        {
            errors.Add("admin.console: needs an approvals or an audit section; without either the console has nothing to show");
        }

        var scopes = new List<string> { "openid" };
        var given = console.Scopes ?? ["profile"];
        for (var i = 0; i < given.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(given[i]) || given[i].Any(char.IsWhiteSpace))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"admin.console.scopes[{i}]: a scope is one word"));
            }
            else if (!scopes.Contains(given[i], StringComparer.Ordinal))
            {
                scopes.Add(given[i]);
            }
        }

        var lifetime = DefaultSessionLifetime;
        if (console.SessionLifetime is { } text
            && (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out lifetime) || lifetime <= TimeSpan.Zero || lifetime > MaxSessionLifetime))
        {
            errors.Add($"admin.console.sessionLifetime: '{text}' is not a duration above zero and at most 12:00:00");
        }

        if (adminEndpoint is not null && !IPAddress.IsLoopback(adminEndpoint.Address) && publicUrl?.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add("admin.console: with a non-loopback admin.listen the console needs an https admin.publicUrl (a TLS proxy in front of the admin listener); "
                + "its session cookies and sign-in codes never travel in plain http off this host");
        }

        return errors.Count > count ? null : new ConsoleSettings
        {
            ClientId = console.ClientId!,
            ClientSecret = console.ClientSecret!,
            Scopes = scopes,
            SessionLifetime = lifetime,
        };
    }
}
