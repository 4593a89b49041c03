namespace McpGateway.Inspectors.Authentication;

/// <summary>
/// What the issuer last said about one accepted token. The token is kept in memory (never logged or recorded) only so
/// that a running session can be asked about again; the entry goes when the token expires.
/// </summary>
internal sealed class IntrospectionEntry(string token, DateTimeOffset expiresAt)
{
    public string Token { get; } = token;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    /// <summary>When the last answer came; <see cref="DateTimeOffset.MinValue"/> before the first.</summary>
    public DateTimeOffset CheckedAt { get; set; } = DateTimeOffset.MinValue;

    public bool Active { get; set; }
}
