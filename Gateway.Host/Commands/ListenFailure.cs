using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace McpGateway.Host.Commands;

/// <summary>A listener that could not be bound, said in one line with the exit code that tells why.</summary>
internal sealed record ListenFailure(string Message, int ExitCode)
{
    /// <summary>What Kestrel's bind failure means, or null when <paramref name="exception"/> is not one.</summary>
    public static ListenFailure? Describe(IOException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var address = Address(exception.Message);
        return exception.InnerException switch
        {
            AddressInUseException => new ListenFailure($"{address} is already in use by another process", ServeExitCodes.AddressInUse),
            SocketException { SocketErrorCode: SocketError.AccessDenied } => new ListenFailure(
                $"{address} cannot be bound: permission denied (ports below 1024 need CAP_NET_BIND_SERVICE)", ServeExitCodes.CannotListen),
            SocketException { SocketErrorCode: SocketError.AddressNotAvailable } => new ListenFailure(
                $"{address} cannot be bound: the address is not one of this machine's", ServeExitCodes.CannotListen),
            SocketException socket => new ListenFailure($"{address} cannot be bound: {socket.Message}", ServeExitCodes.CannotListen),
            _ => null,
        };
    }

    /// <summary>The address out of Kestrel's "Failed to bind to address http://127.0.0.1:7400: address already in use."</summary>
    private static string Address(string message)
    {
        const string Prefix = "Failed to bind to address ";
        var start = message.IndexOf(Prefix, StringComparison.Ordinal);
        if (start < 0)
        {
            return "a listen address";
        }

        var text = message[(start + Prefix.Length)..];
        var end = text.IndexOf(": ", StringComparison.Ordinal);
        var url = end < 0 ? text.TrimEnd('.') : text[..end];
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.Authority : url;
    }
}
