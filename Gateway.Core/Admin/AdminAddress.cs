using System.Globalization;
using System.Net;

namespace McpGateway.Core.Admin;

/// <summary>
/// The admin API's base URL as links for approvers name it: <c>admin.publicUrl</c> when configured (a proxy, TLS, a DNS
/// name), else the admin listener's bound address, with its real port when configured with port 0, and this host's name
/// when it listens on every address.
/// </summary>
internal sealed class AdminAddress(Uri? publicUrl, Func<IPEndPoint?> boundEndpoint)
{
    /// <summary>Null before the admin listener is bound, or without one.</summary>
    public Uri? BaseUrl => publicUrl ?? FromEndpoint(boundEndpoint(), Dns.GetHostName());

    /// <summary><paramref name="relativePath"/> (no leading slash) under <see cref="BaseUrl"/>, keeping any path the base has.</summary>
    public Uri? Resolve(string relativePath) => BaseUrl is { } baseUrl ? Combine(baseUrl, relativePath) : null;

    public static Uri Combine(Uri baseUrl, string relativePath)
    {
        var withSlash = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        return new Uri(withSlash, relativePath);
    }

    /// <summary>An http URL for <paramref name="endpoint"/>; a wildcard address becomes <paramref name="wildcardHost"/>.</summary>
    public static Uri? FromEndpoint(IPEndPoint? endpoint, string wildcardHost)
    {
        if (endpoint is null)
        {
            return null;
        }

        var address = endpoint.Address;
        var host = address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? wildcardHost
            : address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]"
            : address.ToString();
        return new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{endpoint.Port}/"));
    }
}
