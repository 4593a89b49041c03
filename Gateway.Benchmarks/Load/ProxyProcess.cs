using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace McpGateway.Benchmarks.Load;

/// <summary>
/// A relay under test in a process of its own, so that its CPU and memory can be read from /proc: the gateway
/// (<c>mcpgw serve</c>), HAProxy in TCP mode, or this program's own <c>copy-relay</c> (the floor). All listen on 127.0.0.1 only. Dispose kills it; so does the end
/// of the driver process, whatever way it ends.
/// </summary>
internal sealed partial class ProxyProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<Process, bool> Running = new();
    private readonly Process _process;
    private readonly string? _temporaryFile;
    private readonly ConcurrentQueue<string> _output = new();

    static ProxyProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var process in Running.Keys)
            {
                Kill(process);
            }
        };
    }

    private ProxyProcess(string name, Process process, string? temporaryFile)
    {
        Name = name;
        _process = process;
        _temporaryFile = temporaryFile;
        Running[process] = true;
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public IPEndPoint Endpoint { get; private set; } = null!;

    /// <summary>The last lines the process printed, for error messages.</summary>
    public string RecentOutput => string.Join(Environment.NewLine, _output);

    /// <summary>
    /// Starts <c>dotnet mcpgw.dll serve</c> with auth none and one tcp connection to <paramref name="upstream"/>. Every load
    /// connection is the same (anonymous) identity, so the connection limits are raised to <paramref name="maxConnections"/>.
    /// </summary>
    /// <param name="auth">The <c>auth</c> section; null: <c>{"mode": "none"}</c>. Any other makes the listener <c>allowPlaintext</c> (loopback).</param>
    /// <param name="masking">Add a <c>masking</c> section (the default profile: every built-in detector but the opt-in ones).</param>
    /// <param name="extra">Further top-level members of the configuration (e.g. an out-of-process inspector).</param>
    public static async Task<ProxyProcess> StartGatewayAsync(
        string gatewayDll,
        IPEndPoint upstream,
        int maxConnections,
        IReadOnlyDictionary<string, string> environment,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, object>? auth = null,
        string? logLevel = null,
        Uri? httpUpstream = null,
        IReadOnlyDictionary<string, object>? audit = null,
        bool masking = false,
        IReadOnlyDictionary<string, object>? extra = null,
        int warmConnections = 0)
    {
        // Below Information the "listening on" line is not printed: listen on a port chosen here and probe it instead.
        var fixedPort = logLevel is null ? (int?)null : FreePort();
        var config = Path.Combine(Path.GetTempPath(), $"mcpgw-load-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        var settings = new Dictionary<string, object>
        {
            ["listen"] = $"127.0.0.1:{fixedPort ?? 0}",
            ["auth"] = auth ?? new Dictionary<string, object> { ["mode"] = "none" },
            ["limits"] = new Dictionary<string, int>
            {
                ["maxConnections"] = maxConnections,
                ["maxConnectionsPerIdentity"] = maxConnections,
                ["maxUnauthenticatedConnections"] = maxConnections,
                // Every load connection comes from 127.0.0.1: the per-address limits would otherwise refuse them.
                ["maxConnectionsPerAddress"] = maxConnections,
                ["maxUnauthenticatedPerAddress"] = maxConnections,
            },
            ["connections"] = new Dictionary<string, object>
            {
                ["upstream"] = httpUpstream is null
                    ? new Dictionary<string, object>
                    {
                        ["transport"] = "tcp",
                        ["host"] = upstream.Address.ToString(),
                        ["port"] = upstream.Port,
                    }
                    : new Dictionary<string, object> { ["transport"] = "http", ["url"] = httpUpstream.ToString() },
            },
        };
        if (auth is not null)
        {
            settings["allowPlaintext"] = true;
        }

        if (warmConnections > 0)
        {
            ((Dictionary<string, object>)((Dictionary<string, object>)settings["connections"])["upstream"])["warmConnections"] = warmConnections;
        }

        if (masking)
        {
            settings["masking"] = new Dictionary<string, object>
            {
                ["profiles"] = new Dictionary<string, object> { ["default"] = new Dictionary<string, string> { ["base64"] = "scan" } },
            };
        }

        if (logLevel is not null)
        {
            settings["logging"] = new Dictionary<string, string> { ["level"] = logLevel };
        }

        if (audit is not null)
        {
            settings["audit"] = audit;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, object>())
        {
            settings[key] = value;
        }

        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(settings), cancellationToken).ConfigureAwait(false);

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(gatewayDll);
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add(config);
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var (process, listening) = StartListening(start);
        var gateway = new ProxyProcess("gateway", process, config);
        try
        {
            if (fixedPort is { } port)
            {
                var endpoint = new IPEndPoint(IPAddress.Loopback, port);
                await WaitAsync(process, AcceptsAsync(endpoint, cancellationToken), gateway, cancellationToken).ConfigureAwait(false);
                gateway.Endpoint = endpoint;
            }
            else
            {
                gateway.Endpoint = await WaitAsync(process, listening, gateway, cancellationToken).ConfigureAwait(false);
            }

            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Starts this benchmark program's <c>copy-relay</c> (see <see cref="Floor.CopyRelay"/>) with <c>--transport</c>
    /// <paramref name="transport"/>, relaying a free 127.0.0.1 port to <paramref name="upstream"/>. Its standard input stays
    /// open while this object lives: the relay ends when the driver does.
    /// </summary>
    public static async Task<ProxyProcess> StartCopyRelayAsync(
        string name,
        string transport,
        IPEndPoint upstream,
        IReadOnlyDictionary<string, string> environment,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(ProxyProcess).Assembly.Location);
        start.ArgumentList.Add("copy-relay");
        start.ArgumentList.Add("--upstream");
        start.ArgumentList.Add(upstream.ToString());
        start.ArgumentList.Add("--transport");
        start.ArgumentList.Add(transport);
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var (process, listening) = StartListening(start);
        var relay = new ProxyProcess(name, process, null);
        try
        {
            relay.Endpoint = await WaitAsync(process, listening, relay, cancellationToken).ConfigureAwait(false);
            return relay;
        }
        catch
        {
            await relay.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts <paramref name="start"/>; the task completes with the endpoint its "listening on IP:PORT" line names.</summary>
    private static (Process Process, Task<IPEndPoint> Listening) StartListening(ProcessStartInfo start)
    {
        var listening = new TaskCompletionSource<IPEndPoint>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) =>
        {
            var match = e.Data is null ? null : ListeningLine().Match(e.Data);
            if (match is { Success: true })
            {
                listening.TrySetResult(new IPEndPoint(IPAddress.Parse(match.Groups[1].Value), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture)));
            }
        };
        process.Start();
        return (process, listening.Task);
    }

    /// <summary>Starts <c>haproxy -f /dev/stdin -db</c>: one TCP-mode listener on a free 127.0.0.1 port relaying to <paramref name="upstream"/>.</summary>
    public static async Task<ProxyProcess> StartHaproxyAsync(string haproxy, IPEndPoint upstream, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var config = string.Join('\n',
            "global",
            "  maxconn 8000",
            "defaults",
            "  mode tcp",
            "  timeout connect 5s",
            "  timeout client 1h",
            "  timeout server 1h",
            "listen relay",
            $"  bind 127.0.0.1:{port}",
            $"  server upstream {upstream}",
            string.Empty);
        var start = new ProcessStartInfo(haproxy)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-f");
        start.ArgumentList.Add("/dev/stdin");
        start.ArgumentList.Add("-db");
        var process = new Process { StartInfo = start };
        process.Start();
        var relay = new ProxyProcess("haproxy", process, null) { Endpoint = new IPEndPoint(IPAddress.Loopback, port) };
        try
        {
            await process.StandardInput.WriteAsync(config.AsMemory(), cancellationToken).ConfigureAwait(false);
            process.StandardInput.Close();
            await WaitAsync(process, AcceptsAsync(relay.Endpoint, cancellationToken), relay, cancellationToken).ConfigureAwait(false);
            return relay;
        }
        catch
        {
            await relay.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The first line of <c>haproxy -v</c>, or null when haproxy is not on the PATH.</summary>
    public static string? HaproxyVersion(string haproxy)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(haproxy, "-v") { RedirectStandardOutput = true, UseShellExecute = false });
            var first = process!.StandardOutput.ReadLine();
            process.WaitForExit(5000);
            return first;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static async Task<T> WaitAsync<T>(Process process, Task<T> ready, ProxyProcess proxy, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var exited = process.WaitForExitAsync(timeout.Token);
        var first = await Task.WhenAny(ready, exited).ConfigureAwait(false);
        if (first == ready && ready.IsCompletedSuccessfully)
        {
            return ready.Result;
        }

        var why = process.HasExited ? $"exited with code {process.ExitCode}" : "did not start listening within 30 s";
        throw new InvalidOperationException($"{proxy.Name} {why}:{Environment.NewLine}{proxy.RecentOutput}");
    }

    private static async Task<bool> AcceptsAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 40)
        {
            _output.TryDequeue(out _);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already gone.
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill(_process);
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Reported by the caller's own checks; nothing more to do here.
            }
        }

        Running.TryRemove(_process, out _);
        _process.Dispose();
        if (_temporaryFile is not null)
        {
            File.Delete(_temporaryFile);
        }
    }

    [GeneratedRegex(@"listening on (\d+\.\d+\.\d+\.\d+):(\d+)")]
    private static partial Regex ListeningLine();
}
