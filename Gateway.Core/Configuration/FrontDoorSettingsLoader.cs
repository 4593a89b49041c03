using System.Collections.Frozen;
using System.Net;

namespace McpGateway.Core.Configuration;

/// <summary>Validates the <c>http</c> section, adding every mistake to the caller's list with its path.</summary>
internal static class FrontDoorSettingsLoader
{
    public static FrontDoorSettings? Parse(HttpFrontDoorOptions? http, GatewayOptions options, AuthMode authMode, List<string> errors)
    {
        if (http is null)
        {
            return null;
        }

        var endpoint = ParseEndpoint(http, options, authMode, errors);
        var origins = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < http.AllowedOrigins.Count; i++)
        {
            var origin = NormalizeOrigin(http.AllowedOrigins[i]);
            if (origin is null)
            {
                errors.Add($"http.allowedOrigins[{i}]: '{http.AllowedOrigins[i]}' is not an origin such as \"https://app.example.com\" (scheme, host and optional port, no path)");
            }
            else
            {
                origins.Add(origin);
            }
        }

        var hosts = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < http.AllowedHosts.Count; i++)
        {
            if (FrontDoor.FrontDoorHosts.Normalize(http.AllowedHosts[i]) is { } host)
            {
                hosts.Add(host);
            }
            else
            {
                errors.Add($"http.allowedHosts[{i}]: '{http.AllowedHosts[i]}' is not a host name or IP address such as \"mcp.example.com\" (no scheme, port, path or wildcard)");
            }
        }

        string? publicUrl = null;
        if (http.PublicUrl is not null)
        {
            if (!Uri.TryCreate(http.PublicUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
                || uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
            {
                errors.Add($"http.publicUrl: '{http.PublicUrl}' is not an http or https origin without path, query, fragment or user info, e.g. \"https://mcp.example.com\"");
            }
            else
            {
                publicUrl = uri.GetLeftPart(UriPartial.Authority);
            }
        }

        for (var i = 0; i < http.Scopes.Count; i++)
        {
            var scope = http.Scopes[i];
            if (string.IsNullOrWhiteSpace(scope) || scope.Any(c => c is ' ' or '"' or '\\' || char.IsControl(c)))
            {
                errors.Add($"http.scopes[{i}]: '{scope}' is not a scope token (no spaces, quotes or backslashes)");
            }
        }

        if (endpoint is not null && (endpoint.Address.Equals(IPAddress.Any) || endpoint.Address.Equals(IPAddress.IPv6Any))
            && publicUrl is null && http.AllowedHosts.Count == 0)
        {
            errors.Add($"http.allowedHosts: the front door listens on every address ('{http.Listen}'); name the host names clients reach it by (or set http.publicUrl), otherwise every request is refused");
        }

        if (http.StatelessIdleTimeout is { } idle && idle <= TimeSpan.Zero)
        {
            errors.Add($"http.statelessIdleTimeout: '{idle}' must be positive");
        }

        if (http.Tls == true && options.Tls is null)
        {
            errors.Add("http.tls: needs the top-level tls section, whose certificate the front door serves");
        }

        return endpoint is null
            ? null
            : new FrontDoorSettings
            {
                Endpoint = endpoint,
                AllowedOrigins = origins.ToFrozenSet(StringComparer.OrdinalIgnoreCase),
                AllowedHosts = hosts.ToFrozenSet(StringComparer.Ordinal),
                PublicUrl = publicUrl,
                Scopes = [.. http.Scopes],
                UseTls = http.Tls == true,
                StatelessIdleTimeout = http.StatelessIdleTimeout is { } given && given > TimeSpan.Zero ? given : FrontDoorSettings.DefaultStatelessIdleTimeout,
            };
    }

    /// <summary><c>scheme://host[:port]</c> in lower case with the default port left out, or null when <paramref name="origin"/> is not one.</summary>
    public static string? NormalizeOrigin(string? origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || uri.AbsolutePath != "/"
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return null;
        }

        return uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
    }

    private static IPEndPoint? ParseEndpoint(HttpFrontDoorOptions http, GatewayOptions options, AuthMode authMode, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(http.Listen))
        {
            errors.Add("http.listen: required when the http section is present, e.g. \"127.0.0.1:7402\"");
            return null;
        }

        if (ListenAddress.Parse("http.listen", http.Listen, errors) is not { } endpoint)
        {
            return null;
        }

        var loopback = DevelopmentAuthListeners.IsLoopback(endpoint.Address);
        if (!loopback && http.AllowRemote != true)
        {
            errors.Add($"http.listen: '{http.Listen}' is not a loopback address; set \"allowRemote\": true to serve MCP clients on other hosts");
            return null;
        }

        if (!loopback && authMode == AuthMode.None)
        {
            errors.Add($"http.listen: '{http.Listen}' is not a loopback address; auth mode none is allowed only on loopback");
            return null;
        }

        if (!loopback && http.Tls != true && options.AllowPlaintext != true)
        {
            errors.Add($"http.listen: '{http.Listen}' would carry bearer tokens in plaintext; set \"tls\": true, or \"allowPlaintext\": true when TLS ends in front of the gateway");
            return null;
        }

        if (endpoint.Port != 0 && (SamePort(options.Listen, endpoint) || SamePort(options.Admin?.Listen, endpoint)))
        {
            errors.Add($"http.listen: '{http.Listen}' is already the port of the MCP or admin listener");
            return null;
        }

        return endpoint;
    }

    private static bool SamePort(string? listen, IPEndPoint endpoint) =>
        ListenAddress.TryResolve(listen) is { } other && other.Port == endpoint.Port
        && (other.Address.Equals(endpoint.Address) || other.Address.Equals(IPAddress.Any) || endpoint.Address.Equals(IPAddress.Any)
            || other.Address.Equals(IPAddress.IPv6Any) || endpoint.Address.Equals(IPAddress.IPv6Any));
}
