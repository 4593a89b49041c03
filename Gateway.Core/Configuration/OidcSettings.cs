namespace McpGateway.Core.Configuration;

/// <summary>
/// <c>auth.mode: "oidc"</c>: JWT access tokens from one OpenID Connect issuer, validated locally against its JWKS.
/// Works with Okta (org <c>https://{org}.okta.com</c> or custom authorization server
/// <c>https://{org}.okta.com/oauth2/{id}</c>) and any standard provider.
/// </summary>
internal sealed record OidcSettings
{
    /// <summary>The asymmetric algorithms the gateway knows; HMAC and <c>none</c> are never allowed.</summary>
    public static readonly IReadOnlyList<string> AsymmetricAlgorithms = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];
    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultKeyRefreshInterval = TimeSpan.FromHours(1);
    public static readonly TimeSpan DefaultUnknownKidRefreshInterval = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan DefaultMaxKeyStaleness = TimeSpan.FromHours(24);
    public static readonly TimeSpan DefaultMaxTokenLifetime = TimeSpan.FromHours(24);
    public static readonly TimeSpan MinMaxTokenLifetime = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxMaxTokenLifetime = TimeSpan.FromDays(7);
    public static readonly IReadOnlyList<string> DefaultClientIdClaims = ["client_id", "cid"];
    public const int DefaultMaxTokenBytes = 16 * 1024;
    public const string DefaultSubjectClaim = "sub";
    public const string DefaultGroupsClaim = "groups";

    /// <summary>The issuer as configured (<c>https://example.okta.com/oauth2/default</c>); discovery is below it.</summary>
    public required string Issuer { get; init; }

    /// <summary>A token must name at least one of these in <c>aud</c>.</summary>
    public required IReadOnlyList<string> Audiences { get; init; }

    public IReadOnlyList<string> AllowedAlgorithms { get; init; } = AsymmetricAlgorithms;

    public TimeSpan ClockSkew { get; init; } = DefaultClockSkew;

    public string SubjectClaim { get; init; } = DefaultSubjectClaim;

    /// <summary>An array of strings, or one space-separated string.</summary>
    public string GroupsClaim { get; init; } = DefaultGroupsClaim;

    /// <summary>Tried in order; the first present one names the client.</summary>
    public IReadOnlyList<string> ClientIdClaims { get; init; } = DefaultClientIdClaims;

    /// <summary>False only for a loopback issuer (tests, local development).</summary>
    public bool RequireHttpsMetadata { get; init; } = true;

    public int MaxTokenBytes { get; init; } = DefaultMaxTokenBytes;

    /// <summary>
    /// The longest lifetime a token may have: <c>exp - iat</c>, or <c>exp - now</c> when it has no <c>iat</c>, so a stolen
    /// long-lived token is refused however it was minted.
    /// </summary>
    public TimeSpan MaxTokenLifetime { get; init; } = DefaultMaxTokenLifetime;

    /// <summary>A token whose groups did not fit in it is refused unless this says to ignore the marker.</summary>
    public GroupsOverage GroupsOverage { get; init; } = GroupsOverage.Refuse;

    /// <summary>Ask the issuer whether a token is still active (revocation); null: tokens count until they expire.</summary>
    public IntrospectionSettings? Introspection { get; init; }

    /// <summary>How often discovery and the JWKS are fetched again while all is well.</summary>
    public TimeSpan KeyRefreshInterval { get; init; } = DefaultKeyRefreshInterval;

    /// <summary>
    /// A token naming a key the cache does not hold (or any token while no usable keys are cached) triggers at most one
    /// fetch per interval, so a flood of bogus tokens cannot hammer the issuer.
    /// </summary>
    public TimeSpan UnknownKidRefreshInterval { get; init; } = DefaultUnknownKidRefreshInterval;

    /// <summary>Cached keys keep working through refresh failures up to this age; older, the gateway is not ready.</summary>
    public TimeSpan MaxKeyStaleness { get; init; } = DefaultMaxKeyStaleness;

    /// <summary>The OpenID Connect discovery document of <see cref="Issuer"/>.</summary>
    public string MetadataAddress => Issuer.TrimEnd('/') + "/.well-known/openid-configuration";
}
