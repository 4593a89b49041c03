using System.Net;
using System.Net.Sockets;
using System.Text;

namespace McpGateway.Benchmarks.Upstream;

/// <summary>
/// A deliberately cheap MCP server on TCP 127.0.0.1 for load runs: per connection it answers every request line
/// with a <c>tools/call</c>-shaped result of the same id, padded to a fixed size. It does no JSON parsing (it only
/// finds <c>"id":</c>), answers everything one receive brought in with one send, and lines without an id
/// (notifications) get no answer. It must never be the bottleneck of a run.
/// </summary>
internal sealed class FastUpstreamServer : IAsyncDisposable
{
    private const int ReceiveBufferBytes = 16 * 1024;

    private static readonly byte[] ResponsePrefix = """{"jsonrpc":"2.0","id":"""u8.ToArray();

    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _responseSuffix;
    private readonly Lock _lock = new();
    private readonly HashSet<Socket> _open = [];
    private readonly Task _accepting;
    private long _connections;

    private FastUpstreamServer(Socket listener, int responseBytes, bool logText)
    {
        _listener = listener;
        // Sized so that a response with a 6-digit id is responseBytes long (without its newline).
        const string Before = ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"";
        const string After = "\"}]}}\n";
        var padding = Math.Max(1, responseBytes - ResponsePrefix.Length - 6 - Before.Length - (After.Length - 1));
        _responseSuffix = Encoding.UTF8.GetBytes(Before + (logText ? LogText.Escaped(padding) : new string('x', padding)) + After);
        _accepting = AcceptAsync();
    }

    public IPEndPoint Endpoint => (IPEndPoint)_listener.LocalEndPoint!;

    /// <summary>Connections accepted so far.</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <param name="logText">Pad the results with log-like lines (<see cref="LogText"/>) instead of <c>x</c>.</param>
    public static FastUpstreamServer Start(int responseBytes, bool logText = false)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(4096);
            return new FastUpstreamServer(listener, responseBytes, logText);
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptAsync(_stop.Token).ConfigureAwait(false);
                socket.NoDelay = true;
                Interlocked.Increment(ref _connections);
                lock (_lock)
                {
                    _open.Add(socket);
                }

                _ = Task.Run(() => ServeAsync(socket));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var input = new byte[ReceiveBufferBytes];
        var output = new byte[ReceiveBufferBytes * 2];
        var held = 0;
        try
        {
            while (true)
            {
                if (held == input.Length)
                {
                    // One line longer than the buffer: grow rather than fail.
                    Array.Resize(ref input, input.Length * 2);
                }

                var received = await socket.ReceiveAsync(input.AsMemory(held), SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (received == 0)
                {
                    return;
                }

                held += received;
                var written = Answer(input.AsSpan(0, held), ref output, out var consumed);
                held -= consumed;
                if (held > 0)
                {
                    input.AsSpan(consumed, held).CopyTo(input);
                }

                if (written > 0)
                {
                    await socket.SendAsync(output.AsMemory(0, written), SocketFlags.None, _stop.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The peer or the server went away.
        }
        finally
        {
            lock (_lock)
            {
                _open.Remove(socket);
            }

            socket.Dispose();
        }
    }

    // Writes one response per complete request line into output; returns the bytes written and, in consumed, the
    // bytes of complete lines.
    private int Answer(ReadOnlySpan<byte> data, ref byte[] output, out int consumed)
    {
        var written = 0;
        consumed = 0;
        while (true)
        {
            var newLine = data[consumed..].IndexOf((byte)'\n');
            if (newLine < 0)
            {
                return written;
            }

            var line = data.Slice(consumed, newLine);
            consumed += newLine + 1;
            var id = IdOf(line);
            if (id.IsEmpty)
            {
                continue;
            }

            var length = ResponsePrefix.Length + id.Length + _responseSuffix.Length;
            if (written + length > output.Length)
            {
                Array.Resize(ref output, Math.Max(output.Length * 2, written + length));
            }

            var span = output.AsSpan(written);
            ResponsePrefix.CopyTo(span);
            id.CopyTo(span[ResponsePrefix.Length..]);
            _responseSuffix.CopyTo(span[(ResponsePrefix.Length + id.Length)..]);
            written += length;
        }
    }

    // The raw JSON value of the first "id" member (a number or a string), or empty for a notification.
    private static ReadOnlySpan<byte> IdOf(ReadOnlySpan<byte> line)
    {
        var at = line.IndexOf("\"id\":"u8);
        if (at < 0)
        {
            return default;
        }

        var value = line[(at + 5)..];
        var end = value.IndexOfAny((byte)',', (byte)'}');
        return end <= 0 ? default : value[..end].Trim((byte)' ');
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        Socket[] open;
        lock (_lock)
        {
            open = [.. _open];
        }

        foreach (var socket in open)
        {
            socket.Dispose();
        }

        _stop.Dispose();
    }
}
