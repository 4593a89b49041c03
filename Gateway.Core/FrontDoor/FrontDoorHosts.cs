using System.Collections.Frozen;
using System.Net;
using McpGateway.Core.Configuration;

namespace McpGateway.Core.FrontDoor;

/// <summary>
/// The host names the front door answers to (DNS rebinding): the host of <c>http.publicUrl</c>, the bound address
/// (and <c>localhost</c> with the loopback literals when it is a loopback address), and <c>http.allowedHosts</c>.
/// Ports are not compared: the request reached the listener's port already.
/// </summary>
internal static class FrontDoorHosts
{
    private static readonly string[] _loopbackNames = ["localhost", "127.0.0.1", "[::1]"];

    public static FrozenSet<string> Allowed(FrontDoorSettings settings)
    {
        var hosts = new HashSet<string>(settings.AllowedHosts, StringComparer.Ordinal);
        if (settings.PublicUrl is { } publicUrl && Normalize(new Uri(publicUrl).Host) is { } publicHost)
        {
            hosts.Add(publicHost);
        }

        var address = settings.Endpoint.Address;
        if (IPAddress.IsLoopback(address))
        {
            hosts.UnionWith(_loopbackNames);
        }

        if (!address.Equals(IPAddress.Any) && !address.Equals(IPAddress.IPv6Any) && Normalize(address.ToString()) is { } bound)
        {
            hosts.Add(bound);
        }

        return hosts.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// A host name or IP literal as compared: lower case, without a trailing dot, IP literals in their canonical form
    /// (IPv6 in brackets); null when <paramref name="host"/> is neither (a port, a path, a wildcard, nothing).
    /// </summary>
    public static string? Normalize(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return null;
        }

        var bare = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (bare.Contains(':', StringComparison.Ordinal))
        {
            return IPAddress.TryParse(bare, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                ? "[" + v6 + "]"
                : null;
        }

        if (bare.Length != host.Length)
        {
            return null;
        }

        var name = bare.EndsWith('.') ? bare[..^1] : bare;
        return Uri.CheckHostName(name) is UriHostNameType.Dns or UriHostNameType.IPv4 ? name.ToLowerInvariant() : null;
    }
}
