using System.Net.Sockets;

namespace McpGateway.Benchmarks.Floor;

/// <summary>
/// The naive .NET relay: accept with a raw <see cref="Socket"/>, connect one upstream socket per client, and copy each
/// direction with <see cref="Stream.CopyToAsync(Stream, CancellationToken)"/> over <see cref="NetworkStream"/>s. No
/// framing, no parsing, runtime defaults for everything but <c>TCP_NODELAY</c> (pipelined requests would otherwise wait
/// for Nagle's timer).
/// </summary>
internal static class SocketCopyRelay
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(CopyRelayOptions options, CancellationToken cancellationToken)
    {
        using var listener = new Socket(options.Listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(options.Listen);
        listener.Listen(1024);
        Console.WriteLine(CopyRelay.ListeningLine(listener.LocalEndPoint!));
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return 0;
            }

            _ = RelayAsync(client, options, cancellationToken);
        }
    }

    private static async Task RelayAsync(Socket client, CopyRelayOptions options, CancellationToken cancellationToken)
    {
        using var upstream = new Socket(options.Upstream.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using (client)
        {
            client.NoDelay = true;
            using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connect.CancelAfter(ConnectTimeout);
            try
            {
                await upstream.ConnectAsync(options.Upstream, connect.Token).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                await Console.Error.WriteLineAsync($"copy-relay: upstream {options.Upstream} refused a connection for {client.RemoteEndPoint}: {ex.Message}").ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await Console.Error.WriteLineAsync($"copy-relay: upstream {options.Upstream} did not accept a connection for {client.RemoteEndPoint} within {ConnectTimeout.TotalSeconds:N0} s").ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await using var fromClient = new NetworkStream(client, ownsSocket: false);
            await using var fromUpstream = new NetworkStream(upstream, ownsSocket: false);
            await Task.WhenAll(
                CopyAsync(fromClient, fromUpstream, client, upstream, cancellationToken),
                CopyAsync(fromUpstream, fromClient, upstream, client, cancellationToken)).ConfigureAwait(false);
        }
    }

    // One direction: at its source's end of stream the destination is shut down for sending (the other direction goes
    // on); on a failure both sockets close, which ends the other direction too.
    private static async Task CopyAsync(NetworkStream source, NetworkStream destination, Socket sourceSocket, Socket destinationSocket, CancellationToken cancellationToken)
    {
        try
        {
            await source.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
            destinationSocket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            sourceSocket.Close();
            destinationSocket.Close();
        }
    }
}
