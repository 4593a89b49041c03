namespace McpGateway.Core.Configuration;

/// <summary>
/// Token introspection (RFC 7662) at <see cref="Endpoint"/>, authenticated with <c>client_secret_basic</c>. Each answer
/// holds for <see cref="CacheTtl"/>: a token revoked at the issuer is refused at the next authentication, and a running
/// session's next request after that, within one TTL.
/// </summary>
internal sealed record IntrospectionSettings
{
    public static readonly TimeSpan DefaultCacheTtl = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MinCacheTtl = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxCacheTtl = TimeSpan.FromHours(1);

    public required Uri Endpoint { get; init; }

    public required string ClientId { get; init; }

    /// <summary>Where the secret is read (environment variable or file), never the secret itself.</summary>
    public required EnvironmentValue ClientSecret { get; init; }

    public TimeSpan CacheTtl { get; init; } = DefaultCacheTtl;
}
