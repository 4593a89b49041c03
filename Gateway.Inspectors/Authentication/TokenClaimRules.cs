using System.Text.Json;
using McpGateway.Core.Configuration;
using McpGateway.Core.Errors;

namespace McpGateway.Inspectors.Authentication;

/// <summary>
/// What the gateway requires of a validly signed token beyond what the JWT library checks: an <c>iat</c> that is not in
/// the future, a lifetime within <see cref="OidcSettings.MaxTokenLifetime"/>, and groups that are all in the token.
/// </summary>
internal static class TokenClaimRules
{
    /// <summary>Entra ID's markers of a groups claim that did not fit (distributed claims, OpenID Connect Core 5.6.2).</summary>
    private const string ClaimNames = "_claim_names";
    private const string HasGroups = "hasgroups";

    /// <summary>Null when <paramref name="root"/> (the payload) satisfies every rule; otherwise the refusal.</summary>
    public static GatewayError? Check(JsonElement root, DateTimeOffset expiresAt, DateTimeOffset now, OidcSettings settings)
    {
        var lifetime = CheckLifetime(root, expiresAt, now, settings.ClockSkew, settings.MaxTokenLifetime);
        if (lifetime is not null)
        {
            return lifetime;
        }

        return settings.GroupsOverage == GroupsOverage.Refuse && HasGroupsOverage(root, settings.GroupsClaim) ? OidcErrors.GroupsOverage : null;
    }

    /// <summary>
    /// <c>iat</c>, when present, must be a number no later than now plus the skew, and <c>exp - iat</c> at most the limit;
    /// without <c>iat</c> the remaining lifetime <c>exp - now</c> must be within the limit.
    /// </summary>
    public static GatewayError? CheckLifetime(JsonElement root, DateTimeOffset expiresAt, DateTimeOffset now, TimeSpan clockSkew, TimeSpan maxLifetime)
    {
        if (!root.TryGetProperty("iat", out var iat))
        {
            return expiresAt - now > maxLifetime ? OidcErrors.TokenLifetimeTooLong : null;
        }

        if (iat.ValueKind != JsonValueKind.Number || !iat.TryGetDouble(out var seconds) || !double.IsFinite(seconds)
            || seconds < 0 || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return OidcErrors.MalformedToken;
        }

        var issuedAt = DateTimeOffset.UnixEpoch.AddSeconds(Math.Floor(seconds));
        if (issuedAt > now + clockSkew)
        {
            return OidcErrors.TokenIssuedInFuture;
        }

        return expiresAt - issuedAt > maxLifetime ? OidcErrors.TokenLifetimeTooLong : null;
    }

    /// <summary>
    /// True when the token says its groups are elsewhere: <c>_claim_names</c> names the groups claim (or <c>groups</c>),
    /// or <c>hasgroups</c> is true. Either way the groups inline are not all of them.
    /// </summary>
    public static bool HasGroupsOverage(JsonElement root, string groupsClaim)
    {
        if (root.TryGetProperty(HasGroups, out var hasGroups) && hasGroups.ValueKind != JsonValueKind.False && hasGroups.ValueKind != JsonValueKind.Null)
        {
            // true, or anything odd in its place ("true", 1): not a plain "no overage".
            return true;
        }

        if (!root.TryGetProperty(ClaimNames, out var names))
        {
            return false;
        }

        if (names.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        return names.TryGetProperty(groupsClaim, out _) || names.TryGetProperty(OidcSettings.DefaultGroupsClaim, out _);
    }
}
