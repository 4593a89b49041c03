using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using StreamJsonRpc;

namespace McpGateway.Inspectors.External;

/// <summary>
/// One live connection to an inspector: its process (stdio) or socket, the JSON-RPC channel over it (one JSON message
/// per line, <see cref="SystemTextJsonFormatter"/>), and, once <c>hello</c> succeeded, what the inspector asked for and
/// the slots that bound how many frames it has at once. Frames of every session share it; request ids keep them apart.
/// </summary>
internal sealed class InspectorConnection : IAsyncDisposable
{
    private readonly Process? _process;
    private readonly Stream? _socketStream;
    private readonly Task _stderr;
    private int _timeoutsInARow;

    private InspectorConnection(JsonRpc rpc, Process? process, Stream? socketStream, Task stderr)
    {
        Rpc = rpc;
        _process = process;
        _socketStream = socketStream;
        _stderr = stderr;
    }

    public JsonRpc Rpc { get; }

    public InspectorInterest Interest { get; private set; } = null!;

    public SemaphoreSlim Slots { get; private set; } = null!;

    /// <summary>Completes when the channel is gone: the process exited, the socket closed, or the inspector sent what is not JSON-RPC.</summary>
    public Task Completion => Rpc.Completion;

    /// <summary>Starts or connects to the inspector and says hello; the connection is usable when this returns.</summary>
    /// <exception cref="InspectorStartException">It could not be started, reached or greeted.</exception>
    public static async Task<InspectorConnection> OpenAsync(ExternalInspectorSettings settings, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        var connection = await StartAsync(settings, time, logger, cancellationToken).ConfigureAwait(false);
        try
        {
            await connection.HelloAsync(settings, time, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<InspectorConnection> StartAsync(ExternalInspectorSettings settings, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        switch (settings.Transport)
        {
            case ExternalTransport.Stdio:
                var process = StartProcess(settings);
                var stderr = ForwardStderrAsync(process, settings.Name, logger);
                return new InspectorConnection(Channel(process.StandardInput.BaseStream, process.StandardOutput.BaseStream), process, null, stderr);
            default:
                var stream = await ConnectAsync(settings, time, cancellationToken).ConfigureAwait(false);
                return new InspectorConnection(Channel(stream, stream), null, stream, Task.CompletedTask);
        }
    }

    private static JsonRpc Channel(Stream writeTo, Stream readFrom)
    {
        var handler = new NewLineDelimitedMessageHandler(writeTo, readFrom, new SystemTextJsonFormatter());
        var rpc = new JsonRpc(handler);
        rpc.StartListening();
        return rpc;
    }

    private static Process StartProcess(ExternalInspectorSettings settings)
    {
        var start = new ProcessStartInfo(settings.Command!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = settings.WorkingDirectory,
        };
        foreach (var arg in settings.Args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in settings.Environment)
        {
            start.Environment[name] = value;
        }

        try
        {
            return Process.Start(start) ?? throw new InspectorStartException($"'{settings.Command}' did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InspectorStartException($"'{settings.Command}' could not be started: {ex.Message}", ex);
        }
    }

    /// <summary>What the inspector writes to stderr goes to the gateway's log, a line at a time.</summary>
    private static async Task ForwardStderrAsync(Process process, string name, ILogger logger)
    {
        try
        {
            while (await process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                ExternalInspectorLog.Stderr(logger, name, line);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The process is gone; its exit is reported by the supervisor.
        }
    }

    private static async Task<Stream> ConnectAsync(ExternalInspectorSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(settings.HelloTimeout, time);
        using var stopping = cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), timeout);
        Socket socket;
        System.Net.EndPoint endpoint;
        if (settings.Transport == ExternalTransport.Unix)
        {
            socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            endpoint = new UnixDomainSocketEndPoint(settings.SocketPath!);
        }
        else
        {
            socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            endpoint = new System.Net.DnsEndPoint(settings.Host!, settings.Port);
        }

        try
        {
            await socket.ConnectAsync(endpoint, timeout.Token).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (Exception ex) when (ex is SocketException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            socket.Dispose();
            throw new InspectorStartException($"{settings.Target} cannot be reached: {ex.Message}", ex);
        }
    }

    private async Task HelloAsync(ExternalInspectorSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(settings.HelloTimeout, time);
        using var stopping = cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), timeout);
        var parameters = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["protocolVersion"] = InspectorInterest.ProtocolVersion,
            ["inspector"] = settings.Name,
            ["budgetMs"] = settings.Budget.TotalMilliseconds,
            ["maxConcurrency"] = settings.MaxConcurrency,
            ["canHold"] = settings.Approval is not null,
        };
        HelloReply reply;
        try
        {
            reply = await Rpc.InvokeWithParameterObjectAsync<HelloReply>(InspectorMethods.Hello, parameters, timeout.Token)
                .WaitAsync(timeout.Token).ConfigureAwait(false)
                ?? throw new InspectorStartException("it answered hello with null");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InspectorStartException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"no answer to hello within {settings.HelloTimeout.TotalSeconds} s"));
        }
        catch (Exception ex) when (ex is RemoteInvocationException or ConnectionLostException or ObjectDisposedException or System.Text.Json.JsonException or RemoteSerializationException)
        {
            throw new InspectorStartException($"hello failed: {ex.Message}", ex);
        }

        var interest = InspectorInterest.Parse(reply, settings, out var error);
        if (error is not null)
        {
            throw new InspectorStartException($"its hello cannot be used: {error}");
        }

        Interest = interest;
        Slots = new SemaphoreSlim(interest.MaxConcurrency, interest.MaxConcurrency);
    }

    /// <summary>
    /// Ends the connection: the process is killed (or the socket closed) first, so that a write blocked on an inspector
    /// that stopped reading fails at once instead of holding the channel open.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            try
            {
                if (_process.HasExited)
                {
                    ExitCode = _process.ExitCode;
                }
                else
                {
                    _process.Kill(entireProcessTree: true);
                }

                await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
            {
                // Already gone, or it would not die in time: nothing more to do from here.
            }
        }

        if (_socketStream is not null)
        {
            await _socketStream.DisposeAsync().ConfigureAwait(false);
        }

        Rpc.Dispose();
        if (_process is not null)
        {
            await _stderr.ConfigureAwait(false);
            _process.Dispose();
        }
    }

    /// <summary>
    /// Counts a call that got no verdict within the budget; true when <paramref name="limit"/> calls in a row did, i.e. the
    /// inspector no longer keeps up (it stopped reading or answering) and should be started again.
    /// </summary>
    public bool TimedOut(int limit) => Interlocked.Increment(ref _timeoutsInARow) >= limit;

    /// <summary>A verdict arrived: the count of timeouts in a row starts over.</summary>
    public void Answered()
    {
        if (Volatile.Read(ref _timeoutsInARow) != 0)
        {
            Volatile.Write(ref _timeoutsInARow, 0);
        }
    }

    /// <summary>Drops the connection now (the supervisor sees it end and starts the inspector again).</summary>
    public void Abort()
    {
        try
        {
            if (_process is { HasExited: false })
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }

        _socketStream?.Dispose();
        Rpc.Dispose();
    }

    /// <summary>Exit code of a stdio inspector, known once it was disposed after it exited by itself; null for a socket.</summary>
    public int? ExitCode { get; private set; }
}
