using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace McpGateway.Tests.EndToEnd.Support;

/// <summary>
/// Raw sockets an attacker holds open against a listener, each bound to a chosen loopback source address (Linux answers
/// on all of 127.0.0.0/8, so 127.0.0.2, 127.0.0.3 ... act as distinct clients to per-address limits). Dispose closes all.
/// </summary>
internal sealed class FloodSockets : IDisposable
{
    private readonly List<Socket> _sockets = [];

    public int Count => _sockets.Count;

    /// <summary>127.0.0.<paramref name="host"/>.</summary>
    public static IPAddress Loopback(int host) => new([127, 0, 0, (byte)host]);

    /// <summary>Opens <paramref name="count"/> connections from <paramref name="source"/>, each sending <paramref name="send"/> (nothing when null) and then nothing more.</summary>
    public async Task OpenAsync(IPAddress source, IPEndPoint target, int count, byte[]? send, CancellationToken cancellationToken)
    {
        for (var i = 0; i < count; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _sockets.Add(socket);
            socket.Bind(new IPEndPoint(source, 0));
            try
            {
                await socket.ConnectAsync(target, cancellationToken);
                if (send is not null)
                {
                    await socket.SendAsync(send, SocketFlags.None, cancellationToken);
                }
            }
            catch (SocketException)
            {
                // Refused while connecting or sending: counted as closed below.
            }
        }
    }

    /// <summary>How many of the sockets the listener has closed (or reset) by now; reads and discards whatever it sent first.</summary>
    public int Closed() => _sockets.Count(IsClosed);

    /// <summary>A request whose headers never end: what a slowloris client sends.</summary>
    public static byte[] HalfSentRequest(IPEndPoint target) =>
        Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"POST /mcp/everything HTTP/1.1\r\nHost: {target}\r\nContent-Type: application/json\r\n"));

    private static bool IsClosed(Socket socket)
    {
        try
        {
            var buffer = new byte[4096];
            while (socket.Poll(0, SelectMode.SelectRead))
            {
                if (socket.Receive(buffer) == 0)
                {
                    return true;
                }
            }

            return false;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }
}
