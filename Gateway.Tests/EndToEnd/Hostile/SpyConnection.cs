using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace McpGateway.Tests.EndToEnd.Hostile;

/// <summary>
/// One connection the gateway opened to a <see cref="SpyUpstream"/>: every line received is recorded byte-exact
/// (an unterminated tail at end of stream too), and the spy's mode decides what is written back.
/// </summary>
internal sealed class SpyConnection : IAsyncDisposable
{
    private const int FloodLinesPerWrite = 16;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly SpyBehavior _behavior;
    private readonly ChangeSignal _signal;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly List<SpyLine> _lines = [];
    private readonly Lock _lock = new();
    private readonly Task _flooding;
    private long _bytesWritten;
    private int _requests;
    private volatile bool _closed;
    private int _disposed;

    public SpyConnection(int index, Socket socket, SpyBehavior behavior, Task readGate, ChangeSignal signal)
    {
        Index = index;
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _behavior = behavior;
        _signal = signal;
        Reading = ReadAsync(readGate);
        _flooding = behavior.Mode == SpyMode.Flood ? FloodAsync() : Task.CompletedTask;
    }

    /// <summary>Accept order on its <see cref="SpyUpstream"/>, from 0.</summary>
    public int Index { get; }

    /// <summary>Completes when the read side ended: the gateway closed, the spy died, or it was disposed.</summary>
    public Task Reading { get; }

    /// <summary>What was received so far, in order.</summary>
    public IReadOnlyList<SpyLine> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>What was received so far after the client's handshake: <see cref="Lines"/> without the handshake lines.</summary>
    public IReadOnlyList<SpyLine> Traffic => [.. Lines.Where(l => !l.IsHandshake)];

    /// <summary>Bytes the socket accepted from this spy (the flood and every answer).</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>Writes one line and its newline, as is.</summary>
    public async Task SendAsync(byte[] line, CancellationToken cancellationToken)
    {
        var framed = new byte[line.Length + 1];
        line.CopyTo(framed, 0);
        framed[^1] = (byte)'\n';
        await WriteAsync(framed, cancellationToken);
    }

    public Task SendAsync(string line, CancellationToken cancellationToken) => SendAsync(Encoding.UTF8.GetBytes(line), cancellationToken);

    /// <summary>Returns once a received line satisfies <paramref name="predicate"/>.</summary>
    public async Task<SpyLine> WaitForLineAsync(Func<SpyLine, bool> predicate, CancellationToken cancellationToken)
    {
        SpyLine? found = null;
        await _signal.WaitUntilAsync(() => (found = Lines.FirstOrDefault(predicate)) is not null || _closed, cancellationToken);
        return found ?? throw new InvalidOperationException($"spy connection {Index} closed without the line; it received: {Describe()}");
    }

    /// <summary>Returns once at least <paramref name="count"/> lines were received.</summary>
    public async Task WaitForLineCountAsync(int count, CancellationToken cancellationToken)
    {
        await _signal.WaitUntilAsync(() => Count >= count || _closed, cancellationToken);
        if (Count < count)
        {
            throw new InvalidOperationException($"spy connection {Index} closed after {Count} of {count} lines");
        }
    }

    /// <summary>Returns once at least <paramref name="count"/> lines other than the handshake were received.</summary>
    public async Task WaitForTrafficCountAsync(int count, CancellationToken cancellationToken)
    {
        await _signal.WaitUntilAsync(() => Traffic.Count >= count || _closed, cancellationToken);
        if (Traffic.Count < count)
        {
            throw new InvalidOperationException($"spy connection {Index} closed after {Traffic.Count} of {count} lines after the handshake");
        }
    }

    public string Describe() => string.Join(" | ", Lines.Select(l => l.Text.Length > 200 ? string.Concat(l.Text.AsSpan(0, 200), "...") : l.Text));

    private int Count
    {
        get
        {
            lock (_lock)
            {
                return _lines.Count;
            }
        }
    }

    private async Task ReadAsync(Task readGate)
    {
        await Task.Yield();
        var buffer = new byte[64 * 1024];
        using var pending = new MemoryStream();
        try
        {
            await readGate.WaitAsync(_stop.Token);
            while (true)
            {
                var read = await _stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                var start = 0;
                int newline;
                while ((newline = Array.IndexOf(buffer, (byte)'\n', start, read - start)) >= 0)
                {
                    pending.Write(buffer, start, newline - start);
                    start = newline + 1;
                    var line = SpyLine.Read(pending.ToArray());
                    pending.SetLength(0);
                    if (!await OnLineAsync(line))
                    {
                        return;
                    }
                }

                pending.Write(buffer, start, read - start);
            }

            if (pending.Length > 0)
            {
                // Never expected from the gateway; recorded so that a test would see it.
                Record(SpyLine.Read(pending.ToArray()));
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The gateway went away or the spy was disposed.
        }
        finally
        {
            _closed = true;
            _signal.Notify();
        }
    }

    // Records the line and answers it as the mode says; false when the spy died.
    private async Task<bool> OnLineAsync(SpyLine line)
    {
        Record(line);
        switch (_behavior.Mode)
        {
            case SpyMode.Echo when line.IsRequest:
            case SpyMode.Hang or SpyMode.Die when line.IsRequest && (line.IsHandshake || _behavior.Answered.Contains(line.Method!)):
                await SendAsync(line.EchoResponse(), _stop.Token);
                break;
            case SpyMode.Die when line.IsRequest && ++_requests >= _behavior.DieAfterRequests:
                _socket.Shutdown(SocketShutdown.Both);
                _socket.Close();
                return false;
            case SpyMode.Script:
                var replies = _behavior.Script!(line).ToList();
                if (replies.Count == 0 && line.IsRequest && line.IsHandshake)
                {
                    // A script that does not handle the handshake gets the answer every MCP server gives.
                    replies.Add(line.EchoResponse());
                }

                foreach (var reply in replies)
                {
                    await SendAsync(reply, _stop.Token);
                }

                break;
        }

        return true;
    }

    private void Record(SpyLine line)
    {
        lock (_lock)
        {
            _lines.Add(line);
        }

        _signal.Notify();
    }

    private async Task WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken);
            Interlocked.Add(ref _bytesWritten, bytes.Length);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    // notifications/message lines of exactly FloodLineBytes, params.seq counting up from 0, as fast as the socket takes them.
    private async Task FloodAsync()
    {
        await Task.Yield();
        var writer = new ArrayBufferWriter<byte>(FloodLinesPerWrite * _behavior.FloodLineBytes);
        long sequence = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                writer.ResetWrittenCount();
                for (var i = 0; i < FloodLinesPerWrite; i++)
                {
                    WriteNotification(writer, sequence++, _behavior.FloodLineBytes);
                }

                await WriteAsync(writer.WrittenMemory, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The gateway went away or the spy was disposed.
        }
    }

    private static void WriteNotification(ArrayBufferWriter<byte> writer, long sequence, int lineBytes)
    {
        const string Prefix = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\",\"logger\":\"spy\",\"seq\":";
        const string Middle = ",\"data\":\"";
        const string Suffix = "\"}}\n";
        var seq = sequence.ToString(CultureInfo.InvariantCulture);
        var pad = lineBytes - Prefix.Length - seq.Length - Middle.Length - Suffix.Length;
        var line = string.Concat(Prefix, seq, Middle, new string('x', Math.Max(pad, 0)), Suffix);
        Encoding.UTF8.GetBytes(line, writer);
    }

    /// <summary>Closes the connection from the upstream's side; the spy's own disposal then skips it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }

        _socket.Close();
        await Task.WhenAll(Reading, _flooding);
        await _stream.DisposeAsync();
        _stop.Dispose();
        _writeLock.Dispose();
    }
}
