using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;
using McpGateway.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace McpGateway.Core.Upstreams;

/// <summary>
/// Sockets connected to one tcp upstream ahead of its sessions (<c>connections.&lt;name&gt;.warmConnections</c>), so
/// that a session starting in a connect storm takes one instead of waiting for a connect. One filler connects until
/// the pool holds its target, one socket at a time, and again after every take; a failed connect waits (doubling from
/// one second to half a minute) instead of retrying at once. A socket is checked on take: one the upstream closed or
/// wrote to while it sat in the pool is discarded, since the session must start on a fresh MCP connection.
/// </summary>
internal sealed class WarmSocketPool : IAsyncDisposable
{
    private static readonly TimeSpan _firstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan _maxBackoff = TimeSpan.FromSeconds(30);

    private readonly TcpConnectionSettings _settings;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<Socket> _idle = new();
    private readonly SemaphoreSlim _taken = new(0);
    private readonly CancellationTokenSource _stop = new();
    private Task _filling = Task.CompletedTask;
    private int _idleCount;

    public WarmSocketPool(TcpConnectionSettings settings, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(settings.WarmConnections);
        _settings = settings;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>How many sockets the pool keeps ready.</summary>
    public int Target => _settings.WarmConnections;

    /// <summary>Sockets ready to be taken now.</summary>
    public int Idle => Volatile.Read(ref _idleCount);

    /// <summary>Starts filling the pool in the background.</summary>
    public void Start() => _filling = Task.Run(() => FillAsync(_stop.Token));

    /// <summary>A connected socket nobody has used, or false when none is ready (the caller connects as usual).</summary>
    public bool TryTake([NotNullWhen(true)] out Socket? socket)
    {
        while (_idle.TryDequeue(out socket))
        {
            Interlocked.Decrement(ref _idleCount);
            if (!_stop.IsCancellationRequested)
            {
                _taken.Release();
            }

            if (IsUnused(socket))
            {
                return true;
            }

            WarmUpstreamLog.Discarded(_logger, _settings.Name);
            socket.Dispose();
        }

        socket = null;
        return false;
    }

    /// <summary>Stops filling and closes every socket still in the pool.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await _filling.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped while connecting or waiting.
        }

        while (_idle.TryDequeue(out Socket? socket))
        {
            Interlocked.Decrement(ref _idleCount);
            Close(socket);
        }
    }

    // Readable while unused means the upstream closed, reset, or spoke first: none of them is a fresh MCP connection.
    private static bool IsUnused(Socket socket)
    {
        try
        {
            return socket.Connected && !socket.Poll(0, SelectMode.SelectRead);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    private static void Close(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // Already reset by the upstream.
        }

        socket.Dispose();
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        TimeSpan backoff = _firstBackoff;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (Idle >= Target)
            {
                await _taken.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            Socket? socket = await TryConnectAsync(cancellationToken).ConfigureAwait(false);
            if (socket is null)
            {
                await Task.Delay(backoff, _timeProvider, cancellationToken).ConfigureAwait(false);
                backoff = backoff * 2 > _maxBackoff ? _maxBackoff : backoff * 2;
                continue;
            }

            backoff = _firstBackoff;
            _idle.Enqueue(socket);
            Interlocked.Increment(ref _idleCount);
            if (cancellationToken.IsCancellationRequested && _idle.TryDequeue(out Socket? late))
            {
                // Stopped while it was being added: DisposeAsync may have emptied the queue already.
                Interlocked.Decrement(ref _idleCount);
                Close(late);
            }
        }
    }

    private async Task<Socket?> TryConnectAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = new CancellationTokenSource(_settings.ConnectTimeout, _timeProvider);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await socket.ConnectAsync(_settings.Host, _settings.Port, attempt.Token).ConfigureAwait(false);
            return socket;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
            WarmUpstreamLog.ConnectFailed(_logger, _settings.Name, ex is OperationCanceledException ? $"no connection within {_settings.ConnectTimeout}" : ex.Message);
            return null;
        }
    }
}
