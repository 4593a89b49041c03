namespace McpGateway.Core.Configuration;

internal enum AuthMode
{
    /// <summary>Development only: any token is accepted and the subject is <c>anonymous</c>.</summary>
    None,

    /// <summary>The token is a JWT access token from an OpenID Connect issuer (<see cref="OidcSettings"/>).</summary>
    Oidc,
}
