namespace McpGateway.Tests.Infrastructure;

/// <summary>How to start an <see cref="OidcProvider"/>; each member maps to an environment variable of peers/oidc-provider.mjs.</summary>
internal sealed record OidcProviderOptions
{
    public static OidcProviderOptions Default { get; } = new();

    /// <summary>0 picks a free port; a fixed one lets a test start the provider later or restart it on the same issuer.</summary>
    public int Port { get; init; }

    /// <summary>e.g. <c>/oauth2/default</c>, Okta's custom authorization server form.</summary>
    public string? IssuerPath { get; init; }

    /// <summary>Okta's access token shape: no <c>typ</c> header, <c>cid</c> instead of <c>client_id</c>, an <c>scp</c> array.</summary>
    public bool OktaStyle { get; init; }

    /// <summary>Default lifetime of access tokens; a token request may ask for its own.</summary>
    public TimeSpan? TokenLifetime { get; init; }

    /// <summary>A private JWKS to sign with (another provider's <see cref="OidcProvider.PrivateJwks"/>) instead of fresh keys.</summary>
    public string? SigningKeys { get; init; }

    /// <summary>Further clients that authenticate with <c>private_key_jwt</c>: a JSON array of <c>{client_id, jwks, groups}</c> (OIDC_JWT_CLIENTS).</summary>
    public string? JwtClients { get; init; }

    /// <summary>Further RS256 resources (audiences) a token request may name, comma-separated (OIDC_EXTRA_AUDIENCES); null: its default.</summary>
    public string? ExtraAudiences { get; init; }

    /// <summary>People who sign in through the provider's login form, a JSON object of login to groups (OIDC_PEOPLE); null: no login form.</summary>
    public string? People { get; init; }

    /// <summary>Web clients for the authorization code flow, a JSON array of <c>{client_id, client_secret}</c> (OIDC_CONSOLE_CLIENTS).</summary>
    public string? ConsoleClients { get; init; }
}
