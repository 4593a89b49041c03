using System.Globalization;

namespace McpGateway.Core.Configuration;

/// <summary>The <c>auth</c> members of <c>mode: oidc</c>, validated into <see cref="OidcSettings"/>; every mistake is added to the list.</summary>
internal static class OidcSettingsValidator
{
    private const int MaxTokenBytesLimit = 1024 * 1024;

    public static OidcSettings? Validate(AuthOptions auth, string baseDirectory, List<string> errors)
    {
        var countBefore = errors.Count;
        var requireHttps = auth.RequireHttpsMetadata ?? true;
        var issuer = ValidateIssuer(auth.Issuer, requireHttps, errors);

        var audiences = new List<string>();
        if (auth.Audience.Count == 0)
        {
            errors.Add("auth.audience: required for mode oidc, e.g. \"api://mcp-gateway\" (one string or an array)");
        }

        for (var i = 0; i < auth.Audience.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(auth.Audience[i]))
            {
                errors.Add($"auth.audience[{i}]: must not be empty");
            }
            else
            {
                audiences.Add(auth.Audience[i]);
            }
        }

        var algorithms = new List<string>();
        for (var i = 0; i < auth.AllowedAlgorithms.Count; i++)
        {
            var algorithm = auth.AllowedAlgorithms[i]?.Trim() ?? "";
            if (algorithm.StartsWith("HS", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"auth.allowedAlgorithms[{i}]: '{algorithm}' is symmetric (HMAC); only asymmetric algorithms are allowed: {string.Join(", ", OidcSettings.AsymmetricAlgorithms)}");
            }
            else if (algorithm.Equals("none", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"auth.allowedAlgorithms[{i}]: 'none' means unsigned tokens and is never allowed");
            }
            else if (!OidcSettings.AsymmetricAlgorithms.Contains(algorithm, StringComparer.Ordinal))
            {
                errors.Add($"auth.allowedAlgorithms[{i}]: '{algorithm}' is not one of {string.Join(", ", OidcSettings.AsymmetricAlgorithms)}");
            }
            else if (!algorithms.Contains(algorithm, StringComparer.Ordinal))
            {
                algorithms.Add(algorithm);
            }
        }

        var clockSkew = auth.ClockSkew ?? OidcSettings.DefaultClockSkew;
        if (clockSkew < TimeSpan.Zero || clockSkew > OidcSettings.MaxClockSkew)
        {
            errors.Add($"auth.clockSkew: between 00:00:00 and {OidcSettings.MaxClockSkew:c}");
        }

        var maxTokenBytes = auth.MaxTokenBytes ?? OidcSettings.DefaultMaxTokenBytes;
        if (maxTokenBytes is <= 0 or > MaxTokenBytesLimit)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"auth.maxTokenBytes: between 1 and {MaxTokenBytesLimit}, was {maxTokenBytes}"));
        }

        var maxLifetime = auth.MaxTokenLifetime ?? OidcSettings.DefaultMaxTokenLifetime;
        if (maxLifetime < OidcSettings.MinMaxTokenLifetime || maxLifetime > OidcSettings.MaxMaxTokenLifetime)
        {
            errors.Add($"auth.maxTokenLifetime: between {OidcSettings.MinMaxTokenLifetime:c} and {OidcSettings.MaxMaxTokenLifetime:c}, was {maxLifetime:c}");
        }

        var overage = GroupsOverage.Refuse;
        switch (auth.GroupsOverage?.Trim().ToUpperInvariant())
        {
            case null or "REFUSE":
                break;
            case "IGNORE":
                overage = GroupsOverage.Ignore;
                break;
            default:
                errors.Add($"auth.groupsOverage: '{auth.GroupsOverage}' is not one of refuse, ignore");
                break;
        }

        var introspection = IntrospectionSettingsValidator.Validate(auth.Introspection, requireHttps, baseDirectory, errors);

        var keyRefresh = GatewaySettingsLoader.PositiveTime(auth.KeyRefreshInterval, OidcSettings.DefaultKeyRefreshInterval, "auth.keyRefreshInterval", errors);
        var unknownKidRefresh = GatewaySettingsLoader.PositiveTime(auth.UnknownKidRefreshInterval, OidcSettings.DefaultUnknownKidRefreshInterval, "auth.unknownKidRefreshInterval", errors);
        var maxStaleness = GatewaySettingsLoader.PositiveTime(auth.MaxKeyStaleness, OidcSettings.DefaultMaxKeyStaleness, "auth.maxKeyStaleness", errors);
        if (maxStaleness < keyRefresh)
        {
            errors.Add("auth.maxKeyStaleness: must be at least auth.keyRefreshInterval, or keys would go stale before they are refreshed");
        }

        var subjectClaim = Claim(auth.SubjectClaim, OidcSettings.DefaultSubjectClaim, "auth.subjectClaim", errors);
        var groupsClaim = Claim(auth.GroupsClaim, OidcSettings.DefaultGroupsClaim, "auth.groupsClaim", errors);
        var clientIdClaim = auth.ClientIdClaim is null ? null : Claim(auth.ClientIdClaim, "", "auth.clientIdClaim", errors);

        if (errors.Count != countBefore)
        {
            return null;
        }

        return new OidcSettings
        {
            Issuer = issuer!,
            Audiences = audiences,
            AllowedAlgorithms = algorithms.Count == 0 ? OidcSettings.AsymmetricAlgorithms : algorithms,
            ClockSkew = clockSkew,
            SubjectClaim = subjectClaim,
            GroupsClaim = groupsClaim,
            ClientIdClaims = clientIdClaim is null ? OidcSettings.DefaultClientIdClaims : [clientIdClaim],
            RequireHttpsMetadata = requireHttps,
            MaxTokenBytes = maxTokenBytes,
            KeyRefreshInterval = keyRefresh,
            UnknownKidRefreshInterval = unknownKidRefresh,
            MaxKeyStaleness = maxStaleness,
            MaxTokenLifetime = maxLifetime,
            GroupsOverage = overage,
            Introspection = introspection,
        };
    }

    private static string? ValidateIssuer(string? issuer, bool requireHttps, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(issuer))
        {
            errors.Add("auth.issuer: required for mode oidc, e.g. \"https://example.okta.com/oauth2/default\"");
            return null;
        }

        if (!Uri.TryCreate(issuer, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            errors.Add($"auth.issuer: '{issuer}' is not an http(s) URL without query, fragment or user info");
            return null;
        }

        if (!requireHttps && !uri.IsLoopback)
        {
            errors.Add($"auth.requireHttpsMetadata: false is allowed only for a loopback issuer (127.0.0.1, [::1], localhost); '{uri.Host}' is not loopback");
            return null;
        }

        if (requireHttps && uri.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add($"auth.issuer: '{issuer}' must be https (a loopback development issuer may be http with requireHttpsMetadata: false)");
            return null;
        }

        return issuer;
    }

    private static string Claim(string? value, string fallback, string path, List<string> errors)
    {
        if (value is null)
        {
            return fallback;
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{path}: must not be empty");
            return fallback;
        }

        return value.Trim();
    }
}
