using System.Net;

namespace McpGateway.Core.Configuration;

/// <summary>
/// <c>auth.mode: none</c> accepts any token, so every listener that authenticates with it (the MCP listener, the HTTP
/// front door, the admin API) must be reachable from this host only. Listeners are IP literals (a host name such as
/// <c>localhost</c> is not accepted by any <c>listen</c>); loopback means 127.0.0.0/8, <c>::1</c>, or an IPv4-mapped
/// 127.x address. <c>0.0.0.0</c> and <c>::</c> are every interface, not loopback.
/// </summary>
internal static class DevelopmentAuthListeners
{
    public static bool IsLoopback(IPAddress address) =>
        IPAddress.IsLoopback(address) || (address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(address.MapToIPv4()));

    /// <summary>Adds an error, named by the listener's path, for each listener that is not loopback under <c>mode: none</c>.</summary>
    public static void Check(AuthMode mode, string path, IPEndPoint? endpoint, string? configured, List<string> errors)
    {
        if (mode == AuthMode.None && endpoint is not null && !IsLoopback(endpoint.Address))
        {
            errors.Add($"{path}: '{configured}' is not a loopback address; auth mode none (development: any token is accepted) "
                + "is allowed only on loopback listeners (127.0.0.1, [::1]); use auth mode oidc on any other address");
        }
    }
}
