namespace McpGateway.Core.Configuration;

/// <summary>
/// <c>admin.console</c>: the web console for approvers and auditors, served on the admin listener under
/// <c>/console</c>. People sign in at the gateway's OIDC issuer (<c>auth.issuer</c>) with the authorization code flow
/// and PKCE, as the confidential client named here.
/// </summary>
internal sealed class ConsoleOptions
{
    /// <summary>The console's client id at the issuer. Required.</summary>
    public string? ClientId { get; set; }

    /// <summary>Its client secret (or <c>MCPGW_Admin__Console__ClientSecret</c> in the environment). Required.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes to ask for; <c>openid</c> is always asked for. Default: <c>openid profile</c>; add the scope your issuer releases the groups claim with.</summary>
    public string[]? Scopes { get; set; }

    /// <summary>How long a sign-in lasts without use (sliding), <c>hh:mm:ss</c>. Default 1 hour, at most 12 hours.</summary>
    public string? SessionLifetime { get; set; }
}
