using System.IO.Pipelines;
using System.Net.Sockets;
using McpGateway.Core.Configuration;

namespace McpGateway.Core.Upstreams;

/// <summary>A TCP connection to an upstream MCP server speaking newline-delimited JSON-RPC.</summary>
internal sealed class TcpUpstreamChannel : IUpstreamChannel
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    private TcpUpstreamChannel(Socket socket, string description)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Description = description;
        // Zero-byte reads: an idle upstream holds no buffer until data arrives (about 13 KiB less per idle session).
        Input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4096, leaveOpen: true, useZeroByteReads: true));
        Output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 4096, leaveOpen: true));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public string Description { get; }

    public static async ValueTask<TcpUpstreamChannel> ConnectAsync(TcpConnectionSettings settings, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(settings.Host, settings.Port, cancellationToken).ConfigureAwait(false);
            return new TcpUpstreamChannel(socket, $"tcp {socket.RemoteEndPoint}");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Output.CompleteAsync().ConfigureAwait(false);
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the peer.
        }

        await Input.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
