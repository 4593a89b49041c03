namespace McpGateway.Inspectors.Authentication;

/// <summary>
/// What the issuer last said about one accepted token. The token is kept in memory (never logged or recorded) only so
/// that a running session can be asked about again; the entry goes when the token expires. Sessions sharing a token
/// read and write the answer concurrently, so it is read and written whole, under a lock.
/// </summary>
internal sealed class IntrospectionEntry(string token, DateTimeOffset expiresAt)
{
    private readonly Lock _gate = new();
    private DateTimeOffset _checkedAt = DateTimeOffset.MinValue;
    private bool _active;

    public string Token { get; } = token;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    /// <summary>True, with the answer, when the last answer is younger than <paramref name="ttl"/>.</summary>
    public bool TryGetFresh(DateTimeOffset now, TimeSpan ttl, out bool active)
    {
        lock (_gate)
        {
            active = _active;
            return _checkedAt != DateTimeOffset.MinValue && now - _checkedAt < ttl;
        }
    }

    public void Record(bool active, DateTimeOffset at)
    {
        lock (_gate)
        {
            _active = active;
            _checkedAt = at;
        }
    }
}
