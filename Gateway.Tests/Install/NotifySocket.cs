using System.Net.Sockets;
using System.Text;

namespace McpGateway.Tests.Install;

/// <summary>The service manager's side of sd_notify: a Unix datagram socket whose path is handed over as NOTIFY_SOCKET.</summary>
internal sealed class NotifySocket : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);

    public NotifySocket(string path)
    {
        Path = path;
        _socket.Bind(new UnixDomainSocketEndPoint(path));
    }

    public string Path { get; }

    /// <summary>The next notification, e.g. <c>READY=1</c>.</summary>
    public async Task<string> ReceiveAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var length = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }

    public void Dispose()
    {
        _socket.Dispose();
        File.Delete(Path);
    }
}
