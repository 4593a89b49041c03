namespace McpGateway.Core.Configuration;

/// <summary><c>auth.introspection</c>, validated into <see cref="IntrospectionSettings"/>; every mistake is added to the list.</summary>
internal static class IntrospectionSettingsValidator
{
    public static IntrospectionSettings? Validate(IntrospectionOptions? options, bool requireHttps, string baseDirectory, List<string> errors)
    {
        if (options is null)
        {
            return null;
        }

        var countBefore = errors.Count;
        Uri? endpoint = null;
        if (string.IsNullOrWhiteSpace(options.Endpoint))
        {
            errors.Add("auth.introspection.endpoint: required, e.g. \"https://example.okta.com/oauth2/default/v1/introspect\"");
        }
        else if (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out endpoint) || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(endpoint.UserInfo) || !string.IsNullOrEmpty(endpoint.Fragment))
        {
            errors.Add($"auth.introspection.endpoint: '{options.Endpoint}' is not an http(s) URL without user info or fragment");
        }
        else if (endpoint.Scheme != Uri.UriSchemeHttps && (requireHttps || !endpoint.IsLoopback))
        {
            errors.Add($"auth.introspection.endpoint: '{options.Endpoint}' must be https (tokens and the gateway's secret travel to it); http only for a loopback issuer with requireHttpsMetadata: false");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            errors.Add("auth.introspection.clientId: required, the gateway's own client at the issuer");
        }

        var secret = ReadSecret(options.ClientSecret, baseDirectory, errors);
        var ttl = options.CacheTtl ?? IntrospectionSettings.DefaultCacheTtl;
        if (ttl < IntrospectionSettings.MinCacheTtl || ttl > IntrospectionSettings.MaxCacheTtl)
        {
            errors.Add($"auth.introspection.cacheTtl: between {IntrospectionSettings.MinCacheTtl:c} and {IntrospectionSettings.MaxCacheTtl:c}, was {ttl:c}");
        }

        if (errors.Count != countBefore)
        {
            return null;
        }

        return new IntrospectionSettings { Endpoint = endpoint!, ClientId = options.ClientId!.Trim(), ClientSecret = secret!, CacheTtl = ttl };
    }

    /// <summary>The secret's source, checked to be readable now (its value is not kept).</summary>
    private static EnvironmentValue? ReadSecret(EnvironmentValueOptions? secret, string baseDirectory, List<string> errors)
    {
        const string Path = "auth.introspection.clientSecret";
        if (secret is null)
        {
            errors.Add($"{Path}: required, {{ \"fromEnv\": \"VARIABLE\" }} or {{ \"fromFile\": \"/run/secrets/...\" }}");
            return null;
        }

        if (secret.Value is not null)
        {
            errors.Add($"{Path}: a literal value is not accepted; use fromEnv or fromFile");
            return null;
        }

        if ((secret.FromEnv is null) == (secret.FromFile is null))
        {
            errors.Add($"{Path}: exactly one of fromEnv, fromFile");
            return null;
        }

        var value = secret.FromEnv is not null
            ? new EnvironmentValue(EnvironmentValueSource.Environment, secret.FromEnv)
            : new EnvironmentValue(EnvironmentValueSource.File, System.IO.Path.GetFullPath(secret.FromFile!, baseDirectory));
        try
        {
            if (value.Resolve().Length == 0)
            {
                errors.Add($"{Path}: {value.Reference} is empty");
                return null;
            }
        }
        catch (InvalidOperationException ex)
        {
            errors.Add($"{Path}: {ex.Message}");
            return null;
        }

        return value;
    }
}
