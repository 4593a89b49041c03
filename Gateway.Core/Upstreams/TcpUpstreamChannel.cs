using System.IO.Pipelines;
using System.Net.Sockets;
using McpGateway.Core.Configuration;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace McpGateway.Core.Upstreams;

/// <summary>
/// A TCP connection to an upstream MCP server speaking newline-delimited JSON-RPC, on the same pipe machinery as the
/// listener (Kestrel's socket transport): receives straight into the pipe's pooled blocks, one gathered send per flush.
/// </summary>
internal sealed class TcpUpstreamChannel : IUpstreamChannel
{
    private readonly ConnectionContext _connection;

    private TcpUpstreamChannel(ConnectionContext connection, string description)
    {
        _connection = connection;
        Description = description;
    }

    public PipeReader Input => _connection.Transport.Input;

    public PipeWriter Output => _connection.Transport.Output;

    public string Description { get; }

    public static async ValueTask<TcpUpstreamChannel> ConnectAsync(TcpConnectionSettings settings, SocketConnectionContextFactory sockets, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(settings.Host, settings.Port, cancellationToken).ConfigureAwait(false);
            var description = $"tcp {socket.RemoteEndPoint}";
            return new TcpUpstreamChannel(sockets.Create(socket), description);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Completing the output sends what is buffered and shuts the socket down; disposing waits for both loops to end.
        await Output.CompleteAsync().ConfigureAwait(false);
        await Input.CompleteAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
