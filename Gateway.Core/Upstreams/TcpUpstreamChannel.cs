using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using McpGateway.Core.Configuration;

namespace McpGateway.Core.Upstreams;

/// <summary>A TCP connection to an upstream MCP server speaking newline-delimited JSON-RPC.</summary>
internal sealed class TcpUpstreamChannel : IUpstreamChannel
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    private TcpUpstreamChannel(Socket socket, MemoryPool<byte> blocks, string description)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Description = description;

        // Zero-byte reads: an idle upstream holds no buffer until data arrives. Blocks of the pool's size (16 KiB, as the
        // listener's): one read takes a whole batch of answers and one send a whole batch of calls, where 4 KiB blocks cut
        // a batch of sixteen 256-byte frames in two reads and two sends.
        var block = blocks.MaxBufferSize;
        Input = PipeReader.Create(_stream, new StreamPipeReaderOptions(blocks, bufferSize: block, minimumReadSize: block / 2, leaveOpen: true, useZeroByteReads: true));
        Output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(blocks, minimumBufferSize: block, leaveOpen: true));
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public string Description { get; }

    public static async ValueTask<TcpUpstreamChannel> ConnectAsync(TcpConnectionSettings settings, MemoryPool<byte> blocks, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(settings.Host, settings.Port, cancellationToken).ConfigureAwait(false);
            return new TcpUpstreamChannel(socket, blocks, $"tcp {socket.RemoteEndPoint}");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A channel over <paramref name="socket"/>, already connected (a warm socket); the channel owns it.</summary>
    public static TcpUpstreamChannel Open(Socket socket, MemoryPool<byte> blocks) => new(socket, blocks, $"tcp {socket.RemoteEndPoint} (warm)");

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
