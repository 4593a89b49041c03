using System.Net;
using System.Net.Sockets;

namespace McpGateway.Tests.EndToEnd.Hostile;

/// <summary>
/// An observing upstream for hostile-input tests: a TCP server on 127.0.0.1 with an ephemeral port that records
/// every line the gateway sends, byte-exact and per connection, and behaves as a minimal MCP server in the
/// configured <see cref="SpyMode"/>. It proves what does and does not reach an upstream; real MCP servers are
/// covered by the protocol tests.
/// </summary>
internal sealed class SpyUpstream : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly SpyBehavior _behavior;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _readGate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ChangeSignal _signal = new();
    private readonly List<SpyConnection> _connections = [];
    private readonly Lock _lock = new();
    private readonly Task _accepting;

    private SpyUpstream(SpyBehavior behavior)
    {
        _behavior = behavior;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        if (behavior.Mode != SpyMode.Stall)
        {
            _readGate.SetResult();
        }

        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public IReadOnlyList<SpyConnection> Connections
    {
        get
        {
            lock (_lock)
            {
                return [.. _connections];
            }
        }
    }

    public static SpyUpstream Start(SpyBehavior behavior) => new(behavior);

    /// <summary>For <see cref="SpyMode.Stall"/>: every connection starts reading (and recording) now.</summary>
    public void ResumeReading() => _readGate.TrySetResult();

    /// <summary>The connection accepted <paramref name="index"/>-th (from 0), once it was accepted.</summary>
    public async Task<SpyConnection> WaitForConnectionAsync(int index, CancellationToken cancellationToken)
    {
        await _signal.WaitUntilAsync(() => Connections.Count > index, cancellationToken);
        return Connections[index];
    }

    /// <summary>The connection that received exactly <paramref name="line"/> (without newline), once one did.</summary>
    public async Task<SpyConnection> WaitForLineAsync(byte[] line, CancellationToken cancellationToken)
    {
        SpyConnection? found = null;
        await _signal.WaitUntilAsync(
            () => (found = Connections.FirstOrDefault(c => c.Lines.Any(l => l.Bytes.AsSpan().SequenceEqual(line)))) is not null,
            cancellationToken);
        return found!;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_lock)
                {
                    _connections.Add(new SpyConnection(_connections.Count, socket, _behavior, _readGate.Task, _signal));
                }

                _signal.Notify();
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Disposed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        foreach (var connection in Connections)
        {
            await connection.DisposeAsync();
        }

        _listener.Dispose();
        _stop.Dispose();
    }
}
