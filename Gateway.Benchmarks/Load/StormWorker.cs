using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace McpGateway.Benchmarks.Load;

/// <summary>
/// One worker of a connect storm: in a loop, opens a TCP connection to the gateway, sends <c>mcpgateway/authenticate</c>,
/// waits for its result, does the MCP handshake (<c>initialize</c>, <c>notifications/initialized</c>), sends one
/// <c>tools/call</c>, waits for its response and closes. Records, while the phase is
/// recording, the handshake (connect → authenticate result) and the whole cycle (connect → close).
/// </summary>
internal sealed class StormWorker
{
    private static readonly byte[] InitializeFrame = Encoding.UTF8.GetBytes(
        """{"jsonrpc":"2.0","id":2,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"storm","version":"0.1"}}}""" + "\n");

    private static readonly byte[] CallFrame = Encoding.UTF8.GetBytes(
        """{"jsonrpc":"2.0","method":"notifications/initialized"}""" + "\n"
        + """{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"storm"}}}""" + "\n");

    private const string AuthenticatePrefix = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"mcpgateway/authenticate\",\"params\":{\"token\":\"";
    private const string AuthenticateSuffix = "\"}}\n";

    private readonly IPEndPoint _endpoint;
    private readonly Func<string> _token;
    private readonly byte[] _receive = new byte[64 * 1024];

    public StormWorker(IPEndPoint endpoint, Func<string> token)
    {
        _endpoint = endpoint;
        _token = token;
    }

    public LatencyHistogram Handshake { get; } = new();

    public LatencyHistogram Cycle { get; } = new();

    /// <summary>Cycles completed while recording.</summary>
    public long Cycles { get; private set; }

    /// <summary>Cycles that failed (refused, closed, error response) while recording.</summary>
    public long Failures { get; private set; }

    public string? FirstFailure { get; private set; }

    public async Task RunAsync(LoadPhase phase, CancellationToken deadline)
    {
        while (!phase.Stopping)
        {
            deadline.ThrowIfCancellationRequested();
            var token = _token();
            var frame = Encoding.UTF8.GetBytes(AuthenticatePrefix + token + AuthenticateSuffix);
            var started = Stopwatch.GetTimestamp();
            long authenticated;
            try
            {
                using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true })
                {
                    await socket.ConnectAsync(_endpoint, deadline).ConfigureAwait(false);
                    await socket.SendAsync(frame, SocketFlags.None, deadline).ConfigureAwait(false);
                    var line = await ReadLineAsync(socket, deadline).ConfigureAwait(false);
                    authenticated = Stopwatch.GetTimestamp();
                    if (line.Span.IndexOf("\"result\""u8) < 0)
                    {
                        throw new IOException("authenticate refused: " + Encoding.UTF8.GetString(line.Span));
                    }

                    await socket.SendAsync(InitializeFrame, SocketFlags.None, deadline).ConfigureAwait(false);
                    line = await ReadLineAsync(socket, deadline).ConfigureAwait(false);
                    if (line.Span.IndexOf("\"result\""u8) < 0)
                    {
                        throw new IOException("initialize failed: " + Encoding.UTF8.GetString(line.Span));
                    }

                    await socket.SendAsync(CallFrame, SocketFlags.None, deadline).ConfigureAwait(false);
                    line = await ReadLineAsync(socket, deadline).ConfigureAwait(false);
                    if (line.Span.IndexOf("\"result\""u8) < 0)
                    {
                        throw new IOException("tools/call failed: " + Encoding.UTF8.GetString(line.Span));
                    }
                }

                var ended = Stopwatch.GetTimestamp();
                if (phase.Recording)
                {
                    Handshake.RecordTicks(authenticated - started);
                    Cycle.RecordTicks(ended - started);
                    Cycles++;
                }
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                if (phase.Recording)
                {
                    Failures++;
                    FirstFailure ??= $"{ex.GetType().Name}: {ex.Message}";
                }

                // Do not spin on a refusing gateway.
                await Task.Delay(10, deadline).ConfigureAwait(false);
            }
        }
    }

    // Reads up to the first newline; every exchange here is one request and one response line on a fresh connection.
    private async Task<ReadOnlyMemory<byte>> ReadLineAsync(Socket socket, CancellationToken cancellationToken)
    {
        var held = 0;
        while (true)
        {
            var received = await socket.ReceiveAsync(_receive.AsMemory(held), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (received == 0)
            {
                throw new IOException("the gateway closed the connection" + (held > 0 ? ": " + Encoding.UTF8.GetString(_receive, 0, held) : string.Empty));
            }

            var newLine = _receive.AsSpan(held, received).IndexOf((byte)'\n');
            held += received;
            if (newLine >= 0)
            {
                return _receive.AsMemory(0, held - received + newLine);
            }

            if (held == _receive.Length)
            {
                throw new IOException("a response line over 64 KiB");
            }
        }
    }
}
