using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace McpGateway.Benchmarks.Floor;

/// <summary>
/// Copies a Kestrel connection's input pipe to one upstream socket per connection and the upstream's bytes to the
/// connection's output pipe: the relay path of the gateway without framing, chain or session.
/// </summary>
internal sealed class CopyConnectionHandler(CopyRelayOptions options) : ConnectionHandler
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        using var upstream = new Socket(options.Upstream.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        // Not connection.ConnectionClosed: Kestrel fires it when the client half-closes, and a client may send its
        // bytes and its end of stream before the upstream has accepted.
        using var timeout = new CancellationTokenSource(ConnectTimeout);
        try
        {
            await upstream.ConnectAsync(options.Upstream, timeout.Token).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            await Console.Error.WriteLineAsync($"copy-relay: upstream {options.Upstream} refused a connection for {connection.RemoteEndPoint}: {ex.Message}").ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"copy-relay: upstream {options.Upstream} did not accept a connection for {connection.RemoteEndPoint} within {ConnectTimeout.TotalSeconds:N0} s").ConfigureAwait(false);
            return;
        }

        await using var stream = new NetworkStream(upstream, ownsSocket: false);
        await Task.WhenAll(ToUpstreamAsync(connection, stream, upstream), ToClientAsync(connection, stream, upstream)).ConfigureAwait(false);
    }

    private static async Task ToUpstreamAsync(ConnectionContext connection, NetworkStream stream, Socket upstream)
    {
        try
        {
            await connection.Transport.Input.CopyToAsync(stream).ConfigureAwait(false);
            upstream.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or ConnectionResetException or OperationCanceledException)
        {
            upstream.Close();
            connection.Abort();
        }
    }

    private static async Task ToClientAsync(ConnectionContext connection, NetworkStream stream, Socket upstream)
    {
        var output = connection.Transport.Output;
        try
        {
            await stream.CopyToAsync(output).ConfigureAwait(false);
            await output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or ConnectionResetException or OperationCanceledException)
        {
            upstream.Close();
            connection.Abort();
        }
    }
}
