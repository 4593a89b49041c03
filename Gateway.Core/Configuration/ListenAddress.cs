using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace McpGateway.Core.Configuration;

/// <summary>
/// A listener's <c>host:port</c>: an IP address (<c>127.0.0.1:7400</c>, <c>[::1]:7400</c>) or a host name of this
/// machine (<c>localhost:7400</c>, resolved once when the configuration is loaded; <c>localhost</c> is always
/// 127.0.0.1). Port 0 asks for any free port.
/// </summary>
internal static class ListenAddress
{
    /// <summary>The endpoint, or null after adding why not to <paramref name="errors"/> under <paramref name="path"/>.</summary>
    public static IPEndPoint? Parse(string path, string listen, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var endpoint = Resolve(listen, out var problem);
        if (endpoint is null)
        {
            errors.Add($"{path}: '{listen}' {problem}");
        }

        return endpoint;
    }

    /// <summary>The endpoint, or null when <paramref name="listen"/> is not a usable address (no reason given).</summary>
    public static IPEndPoint? TryResolve(string? listen) => listen is null ? null : Resolve(listen, out _);

    private static IPEndPoint? Resolve(string listen, out string problem)
    {
        problem = "is not a host and port, e.g. \"127.0.0.1:7400\" or \"localhost:7400\"";
        if (IPEndPoint.TryParse(listen, out var endpoint) && listen.LastIndexOf(':') >= 0 && !listen.EndsWith(']'))
        {
            return endpoint;
        }

        var colon = listen.LastIndexOf(':');
        if (colon <= 0
            || !int.TryParse(listen.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port > IPEndPoint.MaxPort)
        {
            return null;
        }

        var host = listen[..colon];
        if (Uri.CheckHostName(host) != UriHostNameType.Dns)
        {
            return null;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        IPAddress[] addresses;
        try
        {
            addresses = Dns.GetHostAddresses(host);
        }
        catch (SocketException ex)
        {
            problem = $"names a host that does not resolve ({ex.SocketErrorCode})";
            return null;
        }

        var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
        if (address is null)
        {
            problem = "names a host without addresses";
            return null;
        }

        return new IPEndPoint(address, port);
    }
}
