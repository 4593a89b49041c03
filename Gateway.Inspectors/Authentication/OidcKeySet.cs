using Microsoft.IdentityModel.Tokens;

namespace McpGateway.Inspectors.Authentication;

/// <summary>One successful fetch of discovery and JWKS: the issuer the discovery document names, its signing keys, and when.</summary>
internal sealed class OidcKeySet(string issuer, IReadOnlyList<SecurityKey> keys, DateTimeOffset loadedAt)
{
    public string Issuer { get; } = issuer;

    public IReadOnlyList<SecurityKey> Keys { get; } = keys;

    public DateTimeOffset LoadedAt { get; } = loadedAt;

    /// <summary>
    /// The keys a token may be verified with: those with its <c>kid</c>, or, for a token without one, the only key. False
    /// when the kid is unknown or the set holds several keys and the token names none.
    /// </summary>
    public bool TryResolve(string? keyId, out SecurityKey[] keys)
    {
        if (keyId is null)
        {
            keys = Keys.Count == 1 ? [Keys[0]] : [];
        }
        else
        {
            keys = [.. Keys.Where(k => string.Equals(k.KeyId, keyId, StringComparison.Ordinal))];
        }

        return keys.Length > 0;
    }

    public string DescribeKeyIds() => string.Join(", ", Keys.Select(k => k.KeyId ?? "(no kid)"));
}
