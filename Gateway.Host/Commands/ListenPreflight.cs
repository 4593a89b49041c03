using System.Net;
using System.Net.Sockets;
using McpGateway.Core.Configuration;

namespace McpGateway.Host.Commands;

/// <summary>
/// Binds each configured listen address once, and lets it go, before the gateway starts: a port that is taken is then
/// one line naming its key (<c>listen: 127.0.0.1:7400 is already in use by another process</c>) instead of the host's
/// start-up failure with its stack trace. Port 0 is not checked. Another process can still take a port between this
/// check and the real bind; <see cref="ListenFailure"/> says that case in one line too.
/// </summary>
internal static class ListenPreflight
{
    public static ListenFailure? Check(GatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var listeners = new (string Key, IPEndPoint? Endpoint)[]
        {
            ("listen", settings.Endpoint),
            ("admin.listen", settings.AdminEndpoint),
            ("http.listen", settings.FrontDoor?.Endpoint),
        };
        foreach (var (key, endpoint) in listeners)
        {
            if (endpoint is not { Port: > 0 })
            {
                continue;
            }

            using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                // As Kestrel binds: a port left in TIME_WAIT by an earlier run is not "in use".
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                socket.Bind(endpoint);
            }
            catch (SocketException ex)
            {
                return ex.SocketErrorCode switch
                {
                    SocketError.AddressAlreadyInUse => new ListenFailure($"{key}: {endpoint} is already in use by another process", ServeExitCodes.AddressInUse),
                    SocketError.AccessDenied => new ListenFailure(
                        $"{key}: {endpoint} cannot be bound: permission denied (ports below 1024 need CAP_NET_BIND_SERVICE)", ServeExitCodes.CannotListen),
                    SocketError.AddressNotAvailable => new ListenFailure(
                        $"{key}: {endpoint} cannot be bound: the address is not one of this machine's", ServeExitCodes.CannotListen),
                    _ => new ListenFailure($"{key}: {endpoint} cannot be bound: {ex.Message}", ServeExitCodes.CannotListen),
                };
            }
        }

        return null;
    }
}
