namespace McpGateway.Core.Configuration;

/// <summary>
/// <c>auth.introspection</c>: ask the issuer (RFC 7662) whether each token is still active, so that a revoked token stops
/// working within <see cref="CacheTtl"/>. Absent: tokens are trusted until they expire.
/// </summary>
internal sealed class IntrospectionOptions
{
    /// <summary>The introspection endpoint, e.g. <c>https://example.okta.com/oauth2/default/v1/introspect</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The gateway's own client at the issuer, allowed to introspect.</summary>
    public string? ClientId { get; set; }

    /// <summary>Its secret, <c>fromEnv</c> or <c>fromFile</c>; a literal value is refused.</summary>
    public EnvironmentValueOptions? ClientSecret { get; set; }

    /// <summary>How long an answer counts (default 00:01:00, between 00:00:01 and 01:00:00).</summary>
    public TimeSpan? CacheTtl { get; set; }
}
