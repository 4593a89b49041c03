using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace McpGateway.Benchmarks.Load;

/// <summary>
/// One client connection of a load run. After connecting (and, through the gateway, authenticating) and the MCP
/// handshake (<c>initialize</c>, <c>notifications/initialized</c>) it keeps a
/// fixed number of <c>tools/call</c> requests in flight, pipelined: every receive is parsed for responses, each
/// response frees its slot, and the freed slots' next requests go out together in one send. A request's id names
/// its slot (<c>id = round * inFlight + slot</c>), so responses may arrive in any order.
/// </summary>
internal sealed class LoadConnection : IAsyncDisposable
{
    private static readonly byte[] Prefix = """{"jsonrpc":"2.0","id":"""u8.ToArray();
    private static readonly byte[] Middle = ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\""u8.ToArray();
    private static readonly byte[] Suffix = "\"}}}\n"u8.ToArray();
    private static readonly byte[] AuthenticateFrame = """{"jsonrpc":"2.0","id":0,"method":"mcpgateway/authenticate","params":{"token":"load-driver"}}"""u8.ToArray();
    private static readonly byte[] InitializeFrame = """{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"load","version":"0.1"}}}"""u8.ToArray();
    private static readonly byte[] InitializedFrame = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"u8.ToArray();

    /// <summary>The longest handshake answer taken (the benchmark upstream pads it like its results, up to 4 MiB).</summary>
    private const int MaxHandshakeBytes = 8 * 1024 * 1024;

    private readonly Socket _socket;
    private readonly int _inFlight;
    private readonly int _frameBytes;
    private readonly long[] _sentAt;
    private readonly long[] _round;
    private readonly int[] _ready;
    private readonly byte[] _padding;
    private byte[] _send;
    private byte[] _receive;
    private int _outstanding;

    private LoadConnection(Socket socket, int inFlight, int frameBytes)
    {
        _socket = socket;
        _inFlight = inFlight;
        _frameBytes = frameBytes;
        _sentAt = new long[inFlight];
        _round = new long[inFlight];
        _ready = new int[inFlight];
        _padding = new byte[frameBytes];
        _padding.AsSpan().Fill((byte)'x');
        _send = new byte[inFlight * (frameBytes + 32)];
        _receive = new byte[Math.Max(16 * 1024, 2 * inFlight * (frameBytes + 64))];
    }

    public LatencyHistogram Latency { get; } = new();

    /// <summary>Responses received while the phase was recording.</summary>
    public long Completed { get; private set; }

    /// <summary>Error responses (from the gateway) received while recording.</summary>
    public long Errors { get; private set; }

    public static async Task<LoadConnection> ConnectAsync(IPEndPoint endpoint, bool authenticate, int inFlight, int frameBytes, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            if (authenticate)
            {
                await AuthenticateAsync(socket, cancellationToken).ConfigureAwait(false);
            }

            await InitializeAsync(socket, cancellationToken).ConfigureAwait(false);
            return new LoadConnection(socket, inFlight, frameBytes);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends <c>mcpgateway/authenticate</c> and waits for its result; throws when refused.</summary>
    public static Task AuthenticateAsync(Socket socket, CancellationToken cancellationToken) =>
        ExchangeAsync(socket, AuthenticateFrame, "authentication", cancellationToken);

    /// <summary>The MCP handshake every client does before its calls: <c>initialize</c>, its result, <c>notifications/initialized</c>.</summary>
    public static async Task InitializeAsync(Socket socket, CancellationToken cancellationToken)
    {
        await ExchangeAsync(socket, InitializeFrame, "initialize", cancellationToken).ConfigureAwait(false);
        await socket.SendAsync(InitializedFrame, SocketFlags.None, cancellationToken).ConfigureAwait(false);
    }

    // Sends one request and waits for the one line that answers it; throws unless it is a result.
    private static async Task ExchangeAsync(Socket socket, byte[] request, string what, CancellationToken cancellationToken)
    {
        var frame = new byte[request.Length + 1];
        request.CopyTo(frame, 0);
        frame[^1] = (byte)'\n';
        await socket.SendAsync(frame, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        var reply = new byte[4096];
        var held = 0;
        while (true)
        {
            var received = await socket.ReceiveAsync(reply.AsMemory(held), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (received == 0)
            {
                throw new IOException($"the peer closed the connection during {what}");
            }

            held += received;
            var newLine = reply.AsSpan(0, held).IndexOf((byte)'\n');
            if (newLine >= 0)
            {
                if (reply.AsSpan(0, newLine).IndexOf("\"result\""u8) < 0)
                {
                    throw new IOException($"{what} refused: " + System.Text.Encoding.UTF8.GetString(reply, 0, newLine));
                }

                return;
            }

            if (held == reply.Length)
            {
                // The benchmark upstream answers the handshake with a result as large as its tools/call results.
                if (reply.Length >= MaxHandshakeBytes)
                {
                    throw new IOException($"the {what} response is too long");
                }

                Array.Resize(ref reply, reply.Length * 2);
            }
        }
    }

    /// <summary>Runs until <paramref name="phase"/> stops and every outstanding request was answered (or the deadline passes).</summary>
    public async Task RunAsync(LoadPhase phase, CancellationToken deadline)
    {
        for (var slot = 0; slot < _inFlight; slot++)
        {
            _ready[slot] = slot;
        }

        await SendAsync(_inFlight, deadline).ConfigureAwait(false);
        var held = 0;
        while (_outstanding > 0)
        {
            if (held == _receive.Length)
            {
                Array.Resize(ref _receive, _receive.Length * 2);
            }

            var received = await _socket.ReceiveAsync(_receive.AsMemory(held), SocketFlags.None, deadline).ConfigureAwait(false);
            if (received == 0)
            {
                throw new IOException($"the peer closed the connection with {_outstanding} requests outstanding");
            }

            var now = Stopwatch.GetTimestamp();
            held += received;
            var ready = OnResponses(_receive.AsSpan(0, held), now, phase, out var consumed);
            held -= consumed;
            if (held > 0)
            {
                _receive.AsSpan(consumed, held).CopyTo(_receive);
            }

            if (ready > 0)
            {
                await SendAsync(ready, deadline).ConfigureAwait(false);
            }
        }
    }

    // Handles every complete response line; returns how many freed slots should send again (none once stopping).
    private int OnResponses(ReadOnlySpan<byte> data, long now, LoadPhase phase, out int consumed)
    {
        var recording = phase.Recording;
        var stopping = phase.Stopping;
        var ready = 0;
        consumed = 0;
        while (true)
        {
            var newLine = data[consumed..].IndexOf((byte)'\n');
            if (newLine < 0)
            {
                return ready;
            }

            var line = data.Slice(consumed, newLine);
            consumed += newLine + 1;
            var at = line.IndexOf("\"id\":"u8);
            if (at < 0 || !Utf8Parser.TryParse(line[(at + 5)..], out long id, out var idLength) || id <= 0)
            {
                throw new InvalidDataException("a response without a request id: " + System.Text.Encoding.UTF8.GetString(line));
            }

            var slot = (int)(id % _inFlight);
            _outstanding--;
            if (recording)
            {
                Latency.RecordTicks(now - _sentAt[slot]);
                Completed++;
                if (line[(at + 5 + idLength)..].StartsWith(",\"error\""u8))
                {
                    Errors++;
                }
            }

            if (!stopping)
            {
                _ready[ready++] = slot;
            }
        }
    }

    // Writes the next request of each ready slot into one buffer and sends it.
    private async ValueTask SendAsync(int ready, CancellationToken cancellationToken)
    {
        var length = 0;
        for (var i = 0; i < ready; i++)
        {
            var slot = _ready[i];
            var id = (++_round[slot] * _inFlight) + slot;
            length += WriteRequest(id, length);
        }

        var now = Stopwatch.GetTimestamp();
        for (var i = 0; i < ready; i++)
        {
            _sentAt[_ready[i]] = now;
        }

        _outstanding += ready;
        await _socket.SendAsync(_send.AsMemory(0, length), SocketFlags.None, cancellationToken).ConfigureAwait(false);
    }

    // One request of exactly frameBytes (plus its newline), or a little more when the envelope alone is longer.
    private int WriteRequest(long id, int offset)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(id, digits, out var idLength);
        var envelope = Prefix.Length + idLength + Middle.Length + Suffix.Length - 1;
        var padding = Math.Max(1, _frameBytes - envelope);
        var length = envelope + padding + 1;
        if (offset + length > _send.Length)
        {
            Array.Resize(ref _send, Math.Max(_send.Length * 2, offset + length));
        }

        var span = _send.AsSpan(offset, length);
        Prefix.CopyTo(span);
        span = span[Prefix.Length..];
        digits[..idLength].CopyTo(span);
        span = span[idLength..];
        Middle.CopyTo(span);
        span = span[Middle.Length..];
        _padding.AsSpan(0, padding).CopyTo(span);
        Suffix.CopyTo(span[padding..]);
        return length;
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
