using System.Collections.Frozen;
using System.Net;

namespace McpGateway.Core.Configuration;

/// <summary>Validates the <c>http</c> transport's keys of one connection (url, headers, allowPlaintext).</summary>
internal static class HttpConnectionParser
{
    /// <summary>Headers the transport itself owns: configuring them would break the protocol or smuggle a second meaning.</summary>
    private static readonly FrozenSet<string> ReservedHeaders = new[]
    {
        "Accept", "Connection", "Content-Encoding", "Content-Length", "Content-Type", "Host", "Keep-Alive", "Last-Event-ID",
        "Mcp-Method", "Mcp-Name", "MCP-Protocol-Version", "Mcp-Session-Id", "Proxy-Connection", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public static HttpConnectionSettings Parse(string name, string path, ConnectionOptions options, string baseDirectory, List<string> errors)
    {
        var url = ParseUrl(path + ".url", options.Url, "required for an http connection, e.g. \"https://mcp.example.com/mcp\"", errors);
        if (url is not null && url.Scheme == Uri.UriSchemeHttp && options.AllowPlaintext != true && !IsLoopback(url))
        {
            errors.Add($"{path}.url: plain http:// to '{url.Host}' sends the gateway's headers in clear; use https:// or set \"allowPlaintext\": true");
            url = null;
        }

        var headers = ParseHeaders(path, options.Headers, baseDirectory, errors);
        return new HttpConnectionSettings { Name = name, Url = url ?? new Uri("http://invalid.invalid/"), Headers = headers };
    }

    /// <summary>Configured request headers (<c>{path}.headers</c>): valid names, none the transport owns, values from value, fromEnv or fromFile.</summary>
    public static Dictionary<string, EnvironmentValue> ParseHeaders(string path, IDictionary<string, EnvironmentValueOptions> configured, string baseDirectory, List<string> errors)
    {
        var headers = new Dictionary<string, EnvironmentValue>(StringComparer.OrdinalIgnoreCase);
        foreach (var (header, value) in configured)
        {
            var headerPath = $"{path}.headers.{header}";
            if (!IsToken(header))
            {
                errors.Add($"{headerPath}: not a valid HTTP header name");
                continue;
            }

            if (ReservedHeaders.Contains(header) || header.StartsWith("Mcp-Param-", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add($"{headerPath}: set by the gateway's HTTP transport itself; it cannot be configured");
                continue;
            }

            if (value.Value is { } literal && literal.AsSpan().ContainsAny('\r', '\n', '\0'))
            {
                errors.Add($"{headerPath}.value: may not contain CR, LF or NUL");
                continue;
            }

            var parsed = ConnectionSettingsParser.ParseEnvironmentValue(headerPath, value, baseDirectory, errors);
            if (parsed is not null)
            {
                headers[header] = parsed;
            }
        }

        return headers;
    }

    /// <summary>An absolute http(s) URL without credentials or fragment; whether plain http is acceptable is the caller's to say.</summary>
    /// <param name="secretPath">The URL's path is a credential (a webhook's): errors never echo the value.</param>
    public static Uri? ParseUrl(string path, string? value, string whenMissing, List<string> errors, bool secretPath = false)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"{path}: {whenMissing}");
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{path}: {(secretPath ? "the value" : $"'{Redact(value)}'")} is not an absolute http:// or https:// URL");
            return null;
        }

        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            errors.Add($"{path}: credentials in the URL are not accepted; put them in headers (from fromEnv or fromFile)");
            return null;
        }

        if (!string.IsNullOrEmpty(url.Fragment))
        {
            errors.Add($"{path}: a URL with a fragment is not accepted");
            return null;
        }

        return url;
    }

    public static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.IdnHost, out var address) && IPAddress.IsLoopback(address));

    /// <summary>A URL for an error message: scheme, host, port and path, never the query (it may hold a key).</summary>
    private static string Redact(string url)
    {
        var query = url.IndexOfAny(['?', '#']);
        return query < 0 ? url : url[..query] + "?…";
    }

    private static bool IsToken(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c > 0x7E || c <= 0x20 || "\"(),/:;<=>?@[\\]{}".Contains(c, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
