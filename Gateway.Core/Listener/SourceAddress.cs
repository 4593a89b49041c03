using System.Net;
using System.Net.Sockets;

namespace McpGateway.Core.Listener;

/// <summary>
/// The key per-address limits count under: an IPv4 address (also when it arrives mapped into IPv6), or the /64 of an
/// IPv6 address, since one IPv6 host commonly holds a whole /64 and could otherwise pick a fresh address per connection.
/// </summary>
internal static class SourceAddress
{
    public static IPAddress? Key(EndPoint? remote)
    {
        if (remote is not IPEndPoint { Address: var address })
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }
}
