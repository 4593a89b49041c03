using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using McpGateway.Benchmarks.Upstream;

namespace McpGateway.Benchmarks.Load;

/// <summary>
/// <c>load</c>: the end-to-end load driver. Starts a fast upstream (in this process), the gateway (<c>mcpgw serve</c>,
/// its own process) and HAProxy (TCP mode, its own process), then for every connection count drives each target with
/// pipelined <c>tools/call</c> requests and reports throughput, latency, relay CPU per request and memory per idle
/// connection. Everything listens on 127.0.0.1, every phase is time-bounded, and every process it starts is killed.
/// </summary>
internal static class LoadDriver
{

    /// <summary>The gateway target with the masking inspector (<c>--masking on</c>).</summary>
    internal const string MaskedGateway = "gateway+masking";

    /// <summary>The <c>policy</c> of <see cref="LoadOptions.FullChainTarget"/>: the load's calls are allowed after an argument rule is checked.</summary>
    private static Dictionary<string, object> FullChainPolicy() => new()
    {
        ["policy"] = new Dictionary<string, object>
        {
            ["default"] = "deny",
            ["rules"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["id"] = "no-drop", ["action"] = "block", ["reason"] = "destructive SQL",
                    ["match"] = new Dictionary<string, object>
                    {
                        ["tools"] = new[] { "echo" },
                        ["arguments"] = new Dictionary<string, object> { ["text"] = new Dictionary<string, object> { ["regex"] = "\\bDROP\\s+TABLE\\b", ["ignoreCase"] = true } },
                    },
                },
                new Dictionary<string, object> { ["id"] = "load", ["action"] = "allow", ["match"] = new Dictionary<string, object> { ["tools"] = new[] { "echo" } } },
            },
        },
    };

    /// <summary>The gateway recording into PostgreSQL (a throwaway cluster).</summary>
    internal const string PostgresAudit = "gateway-audit-pg";

    private static bool IsGateway(string target) => target.StartsWith("gateway", StringComparison.Ordinal);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = LoadOptions.Parse(args, out var error);
        if (options is null)
        {
            await Console.Error.WriteLineAsync($"load: {error}").ConfigureAwait(false);
            await Console.Error.WriteLineAsync(LoadOptions.Usage).ConfigureAwait(false);
            return 2;
        }

        if (options.Mode == "storm")
        {
            return await StormDriver.RunAsync(options).ConfigureAwait(false);
        }

        if (options.Mode == "http")
        {
            return await HttpDriver.RunAsync(options).ConfigureAwait(false);
        }

        // A hard bound on the whole run, whatever hangs.
        var perRow = options.WarmupSeconds + options.Seconds + 45;
        var budget = TimeSpan.FromSeconds((perRow * options.Connections.Count * (options.Targets.Count + options.Masking.Count - 1)) + 180);
        using var stop = new CancellationTokenSource(budget);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await RunAsync(options, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static async Task<int> RunAsync(LoadOptions options, CancellationToken cancellationToken)
    {
        var notes = new List<string>
        {
            $"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}. The load driver (clients), "
                + "the upstream (inside the driver process) and the relay under test all run here together and compete for the same cores: "
                + $"read the numbers as relative. Load average before the run: {ProcStat.LoadAverage()}.",
            $"Each connection keeps {options.InFlight} `tools/call` requests of {options.FrameBytes} bytes in flight (pipelined); the upstream answers each "
                + $"with a result of about {options.ResponseBytes} bytes"
                + (options.Payload == "log" ? " of log-like lines (timestamps, UUIDs, order ids, SHA-256 digests; nothing to mask)" : string.Empty)
                + $". Warmup {options.WarmupSeconds} s, then {options.Seconds} s measured per row.",
            "Latency: client side, from the send that carried the request to the receive that completed it (log-linear histogram, ≤ 1.6 % bucket error).",
            "Relay CPU: utime + stime of the relay process from /proc/<pid>/stat over the measured window (10 ms ticks); "
                + "µs/req covers one request and its response. Driver CPU: the same for the driver + upstream process. 100 % = one core.",
        };

        var targets = options.Targets.ToList();
        if (targets.Contains("gateway") && options.Masking.Contains("on"))
        {
            targets.Insert(targets.IndexOf("gateway") + 1, MaskedGateway);
            if (!options.Masking.Contains("off"))
            {
                targets.Remove("gateway");
            }

            notes.Add($"{MaskedGateway}: the same gateway with a `masking` section (default profile: every built-in detector but the opt-in "
                + "email, phone and IP; base64 scan), its own process; the chain upstream->client is authentication > masking.");
        }

        var gatewayDll = targets.Any(IsGateway) ? FindGatewayDll(options) : null;
        if (gatewayDll is null && targets.RemoveAll(IsGateway) > 0)
        {
            Skip(notes, "gateway: mcpgw.dll not found; build it first (dotnet build -c Release Gateway.Host) or pass --gateway-dll. Skipped.");
        }

        var haproxy = targets.Contains("haproxy") ? FindOnPath("haproxy") : null;
        var haproxyVersion = haproxy is null ? null : ProxyProcess.HaproxyVersion(haproxy);
        if (haproxyVersion is null && targets.Remove("haproxy"))
        {
            Skip(notes, "haproxy: not installed (`which haproxy` found nothing; `apt-get install -y haproxy`, or run the driver through `./build.sh bench --bench-args=\"load ...\"`, which installs it as root). Skipped.");
        }

        if (gatewayDll is not null)
        {
            notes.Add($"gateway: `dotnet {Path.GetRelativePath(Environment.CurrentDirectory, gatewayDll)} serve` as its own process, auth none, "
                + $"default chain (authentication), one tcp connection to the upstream, connection limits (also per address) raised to {MaxConnections(options)} (all load connections are one identity from 127.0.0.1); "
                + "its console logs at Information (per session, not per frame)"
                + (options.GatewayEnvironment.Count == 0 ? "." : $"; environment {string.Join(", ", options.GatewayEnvironment.Select(p => $"{p.Key}={p.Value}"))}."));
            if (targets.Contains(PostgresAudit))
            {
                notes.Add($"{PostgresAudit}: the same gateway recording into a throwaway PostgreSQL cluster on 127.0.0.1 (peers/pg-throwaway.sh, as the tests start theirs: "
                    + "fsync off, synchronous_commit off, so a commit costs no disk flush), its own log `load`; appends by binary COPY. No masking, no checkpoint key.");
            }

            if (targets.Any(LoadOptions.AuditTargets.ContainsKey))
            {
                notes.Add("gateway-audit-*: the same gateway with an `audit` section: every frame recorded (request before it is forwarded, response before it is delivered) "
                    + "into a fresh SQLite store in the temp directory (WAL, group commit); `durability: full` syncs each group commit to disk, `normal` only to the OS (survives a gateway crash, not a power loss). No masking, no checkpoint key.");
            }

            if (targets.Contains(LoadOptions.FullChainTarget))
            {
                notes.Add($"{LoadOptions.FullChainTarget}: the full chain (authentication > policy > masking > recording): a policy with `default: deny`, a `block` rule "
                    + "on the load's tool whose argument regex never matches (so each call's arguments are read) and an `allow` rule for it; masking with the default "
                    + "profile (base64 scan; nothing in the load matches); recording into a fresh SQLite store, durability full.");
            }

            if (targets.Any(ExternalInspectorTargets.All.Contains))
            {
                notes.Add(ExternalInspectorTargets.Note);
            }
        }

        if (targets.Contains(LoadOptions.DotnetCopyTarget))
        {
            notes.Add($"{LoadOptions.DotnetCopyTarget}: this program's `copy-relay --transport socket` as its own process: a raw `Socket` accept loop, one upstream "
                + "connection per client, each direction `NetworkStream.CopyToAsync` (no framing, no parsing), TCP_NODELAY, runtime defaults"
                + EnvironmentNote(options.CopyEnvironment) + ".");
        }

        if (targets.Contains(LoadOptions.KestrelCopyTarget))
        {
            notes.Add($"{LoadOptions.KestrelCopyTarget}: `copy-relay --transport kestrel`, its own process: Kestrel's socket transport set up as the gateway's "
                + "(inline completions and scheduling, 16 KiB blocks, thread-pool spin limit 0, non-concurrent GC) and a `ConnectionHandler` copying the "
                + "connection's input pipe to an upstream socket and the upstream's bytes to its output pipe (no framing)"
                + EnvironmentNote(KestrelCopyEnvironment(options)) + ".");
        }

        if (haproxyVersion is not null)
        {
            notes.Add($"haproxy: {haproxyVersion}, `mode tcp`, default threads, config on stdin.");
        }

        if (!ThrowawayCluster.IsAvailable && targets.Remove(PostgresAudit))
        {
            Skip(notes, $"{PostgresAudit}: the PostgreSQL server binaries are not installed (/usr/lib/postgresql/*/bin/initdb; `apt-get install -y postgresql`). Skipped.");
        }

        var results = new List<TargetResult>();
        var idle = new List<IdleResult>();
        if (gatewayDll is null && targets.Remove("gateway-http"))
        {
            Skip(notes, "gateway-http: mcpgw.dll not found. Skipped.");
        }

        var httpUpstream = targets.Contains("gateway-http") ? await FastHttpUpstreamServer.StartAsync(options.FrameBytes, cancellationToken).ConfigureAwait(false) : null;
        if (httpUpstream is not null)
        {
            notes.Add($"gateway-http: the same gateway build with an `http` connection (Streamable HTTP, one POST per request, pooled HTTP/1.1 connections) to an in-process Kestrel twin of the upstream at {httpUpstream.Url} that answers each POST with an `application/json` result of the same size.");
        }

        await using (httpUpstream)
        await using (var upstream = FastUpstreamServer.Start(options.ResponseBytes, options.Payload == "log"))
        {
            Console.WriteLine($"load: upstream on {upstream.Endpoint}; targets {string.Join(", ", targets)}; connections {string.Join(", ", options.Connections)}");
            await RunLoadAsync(options, targets, upstream.Endpoint, gatewayDll, haproxy, results, cancellationToken, httpUpstream?.Url).ConfigureAwait(false);
            if (options.IdleConnections > 0 && !cancellationToken.IsCancellationRequested)
            {
                if (targets.Any(IsGateway))
                {
                    idle.Add(await IdleProbe.MeasureAsync("gateway", ct => ProxyProcess.StartGatewayAsync(gatewayDll!, upstream.Endpoint, MaxConnections(options), options.GatewayEnvironment, ct), true, options.IdleConnections, cancellationToken).ConfigureAwait(false));
                }

                if (targets.Contains("haproxy"))
                {
                    idle.Add(await IdleProbe.MeasureAsync("haproxy", ct => ProxyProcess.StartHaproxyAsync(haproxy!, upstream.Endpoint, ct), false, options.IdleConnections, cancellationToken).ConfigureAwait(false));
                }
            }
        }

        if (cancellationToken.IsCancellationRequested)
        {
            notes.Add("The run was cut short (Ctrl+C or its time budget); rows may be missing.");
        }

        var report = ResultReport.Format(results, idle, notes);
        Console.WriteLine();
        Console.WriteLine(report);
        var outPath = Path.GetFullPath(options.Out);
        Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
        await File.WriteAllTextAsync(outPath, report, CancellationToken.None).ConfigureAwait(false);
        Console.WriteLine($"load: report written to {outPath}");
        return results.Any(r => r.Failure is not null) || idle.Any(r => r.Failure is not null) ? 1 : 0;
    }

    private static async Task RunLoadAsync(
        LoadOptions options,
        List<string> targets,
        IPEndPoint upstream,
        string? gatewayDll,
        string? haproxy,
        List<TargetResult> results,
        CancellationToken cancellationToken,
        Uri? httpUpstream = null)
    {
        // Every relay this run measures, by target; "direct" has none.
        var relays = new Dictionary<string, ProxyProcess>(StringComparer.Ordinal);
        var stores = new List<string>();
        ThrowawayCluster? cluster = null;
        async Task StartRelayAsync(string target, Func<CancellationToken, Task<ProxyProcess>> start)
        {
            if (targets.Contains(target) && await StartAsync(target, start, targets, results, cancellationToken).ConfigureAwait(false) is { } relay)
            {
                relays[target] = relay;
            }
        }

        try
        {
            await StartRelayAsync("gateway", ct => ProxyProcess.StartGatewayAsync(gatewayDll!, upstream, MaxConnections(options), options.GatewayEnvironment, ct)).ConfigureAwait(false);
            await StartRelayAsync("gateway-http", ct => ProxyProcess.StartGatewayAsync(gatewayDll!, upstream, MaxConnections(options), options.GatewayEnvironment, ct, httpUpstream: httpUpstream)).ConfigureAwait(false);
            foreach (var (target, durability) in LoadOptions.AuditTargets.Where(t => targets.Contains(t.Key)))
            {
                // A fresh store per target, in the temp directory (on this machine the same disk as the repository).
                var store = Path.Combine(Path.GetTempPath(), $"mcpgw-load-audit-{Environment.ProcessId}-{durability}.db");
                stores.Add(store);
                var audit = new Dictionary<string, object> { ["path"] = store, ["durability"] = durability };
                await StartRelayAsync(target, ct => ProxyProcess.StartGatewayAsync(gatewayDll!, upstream, MaxConnections(options), options.GatewayEnvironment, ct, audit: audit)).ConfigureAwait(false);
            }

            if (targets.Contains(LoadOptions.FullChainTarget))
            {
                var store = Path.Combine(Path.GetTempPath(), $"mcpgw-load-audit-{Environment.ProcessId}-fullchain.db");
                stores.Add(store);
                await StartRelayAsync(LoadOptions.FullChainTarget, ct => ProxyProcess.StartGatewayAsync(gatewayDll!, upstream, MaxConnections(options), options.GatewayEnvironment, ct,
                    audit: new Dictionary<string, object> { ["path"] = store, ["durability"] = "full" }, masking: true, extra: FullChainPolicy())).ConfigureAwait(false);
                if (relays.TryGetValue(LoadOptions.FullChainTarget, out var full) && !full.RecentOutput.Contains("policy", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"{LoadOptions.FullChainTarget}: the gateway's chain does not show the policy inspector:{Environment.NewLine}{full.RecentOutput}");
                }
            }

            if (targets.Contains(PostgresAudit))
            {
                cluster = await ThrowawayCluster.StartAsync(cancellationToken).ConfigureAwait(false);
                var audit = new Dictionary<string, object> { ["store"] = "postgres", ["connectionString"] = cluster.ConnectionString, ["logId"] = "load" };
                await StartRelayAsync(PostgresAudit, ct => ProxyProcess.StartGatewayAsync(gatewayDll!, upstream, MaxConnections(options), options.GatewayEnvironment, ct, audit: audit)).ConfigureAwait(false);
            }

            await StartRelayAsync(MaskedGateway, ct => ProxyProcess.StartGatewayAsync(gatewayDll!, upstream, MaxConnections(options), options.GatewayEnvironment, ct, masking: true)).ConfigureAwait(false);
            if (relays.TryGetValue(MaskedGateway, out var masked) && !masked.RecentOutput.Contains("masking", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"{MaskedGateway}: the gateway's chain does not show the masking inspector:{Environment.NewLine}{masked.RecentOutput}");
            }

            foreach (var target in ExternalInspectorTargets.All)
            {
                await StartRelayAsync(target, ct => ProxyProcess.StartGatewayAsync(gatewayDll!, upstream, MaxConnections(options), options.GatewayEnvironment, ct, extra: ExternalInspectorTargets.Settings(target))).ConfigureAwait(false);
            }

            await StartRelayAsync(LoadOptions.DotnetCopyTarget, ct => ProxyProcess.StartCopyRelayAsync(LoadOptions.DotnetCopyTarget, "socket", upstream, options.CopyEnvironment, ct)).ConfigureAwait(false);
            await StartRelayAsync(LoadOptions.KestrelCopyTarget, ct => ProxyProcess.StartCopyRelayAsync(LoadOptions.KestrelCopyTarget, "kestrel", upstream, KestrelCopyEnvironment(options), ct)).ConfigureAwait(false);
            await StartRelayAsync("haproxy", ct => ProxyProcess.StartHaproxyAsync(haproxy!, upstream, ct)).ConfigureAwait(false);

            foreach (var connections in options.Connections)
            {
                foreach (var target in targets)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        return;
                    }

                    var result = relays.TryGetValue(target, out var relay)
                        ? await RunTargetAsync(target, relay.Endpoint, relay.Pid, connections, options, cancellationToken).ConfigureAwait(false)
                        : await RunTargetAsync(target, upstream, null, connections, options, cancellationToken).ConfigureAwait(false);
                    results.Add(result);
                    Console.WriteLine(result.Failure is not null
                        ? $"load: {target,-8} {connections,5} conns: FAILED {result.Failure}"
                        : $"load: {target,-8} {connections,5} conns: {result.RequestsPerSecond,10:N0} req/s  p50 {result.P50,8:N0} µs  p99 {result.P99,8:N0} µs  p99.9 {result.P999,8:N0} µs  relay CPU {(double.IsNaN(result.ProxyCpuPerRequest) ? "-" : result.ProxyCpuPerRequest.ToString("N2", CultureInfo.InvariantCulture)),6} µs/req");
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cut short; the report says so.
        }
        finally
        {
            foreach (var relay in relays.Values)
            {
                await relay.DisposeAsync().ConfigureAwait(false);
            }

            foreach (var store in stores.SelectMany(s => new[] { s, s + "-wal", s + "-shm" }))
            {
                File.Delete(store);
            }

            if (cluster is not null)
            {
                await cluster.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    // Starts a relay; when it cannot start, its target is dropped from the run and the report says why.
    private static async Task<ProxyProcess?> StartAsync(
        string target,
        Func<CancellationToken, Task<ProxyProcess>> start,
        List<string> targets,
        List<TargetResult> results,
        CancellationToken cancellationToken)
    {
        try
        {
            var relay = await start(cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"load: {target} pid {relay.Pid} on {relay.Endpoint}");
            return relay;
        }
        catch (InvalidOperationException ex)
        {
            Console.WriteLine($"load: {target} did not start: {ex.Message}");
            results.Add(TargetResult.Failed(target, 0, $"did not start: {ex.Message}"));
            targets.Remove(target);
            return null;
        }
    }

    private static async Task<TargetResult> RunTargetAsync(string target, IPEndPoint endpoint, int? pid, int count, LoadOptions options, CancellationToken cancellationToken)
    {
        var connections = new List<LoadConnection>(count);
        try
        {
            await ConnectionOpener.OpenAsync(count, async ct =>
            {
                var connection = await LoadConnection.ConnectAsync(endpoint, IsGateway(target), options.InFlight, options.FrameBytes, ct).ConfigureAwait(false);
                lock (connections)
                {
                    connections.Add(connection);
                }
            }, cancellationToken).ConfigureAwait(false);

            var phase = new LoadPhase();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(options.WarmupSeconds + options.Seconds + 30));
            var all = Task.WhenAll(connections.Select(c => Task.Run(() => c.RunAsync(phase, deadline.Token), CancellationToken.None)));
            await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds), cancellationToken)).ConfigureAwait(false);
            ThrowIfEnded(all, cancellationToken);

            var relayBefore = pid is { } p ? ProcStat.CpuTime(p) : (TimeSpan?)null;
            var driverBefore = ProcStat.CpuTime(Environment.ProcessId);
            var started = Stopwatch.GetTimestamp();
            phase.StartRecording();
            await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(options.Seconds), cancellationToken)).ConfigureAwait(false);
            phase.StopRecording();
            var elapsed = Stopwatch.GetElapsedTime(started);
            var relayCpu = pid is { } q ? ProcStat.CpuTime(q) - relayBefore : null;
            var driverCpu = ProcStat.CpuTime(Environment.ProcessId) - driverBefore;
            ThrowIfEnded(all, cancellationToken);

            phase.Stop();
            await all.ConfigureAwait(false);
            var latency = new LatencyHistogram();
            long requests = 0;
            long errors = 0;
            foreach (var connection in connections)
            {
                latency.Add(connection.Latency);
                requests += connection.Completed;
                errors += connection.Errors;
            }

            return new TargetResult(target, count, elapsed.TotalSeconds, requests, errors, latency, relayCpu, driverCpu);
        }
        catch (Exception ex) when (ex is IOException or SocketException or InvalidDataException or OperationCanceledException or InvalidOperationException)
        {
            return TargetResult.Failed(target, count, $"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static void ThrowIfEnded(Task all, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (all.IsFaulted)
        {
            all.GetAwaiter().GetResult();
        }

        if (all.IsCompleted)
        {
            throw new InvalidOperationException("every connection ended before the run did");
        }
    }

    /// <summary>
    /// The runtime settings <c>mcpgw</c> runs with (Program.cs and its project file), for <see cref="LoadOptions.KestrelCopyTarget"/>;
    /// <c>--copy-env</c> overrides them.
    /// </summary>
    private static Dictionary<string, string> KestrelCopyEnvironment(LoadOptions options)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [McpGateway.Core.Hosting.SocketEngine.InlineCompletionsVariable] = "1",
            ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0",
            ["DOTNET_gcConcurrent"] = "0",
        };
        foreach (var (name, value) in options.CopyEnvironment)
        {
            environment[name] = value;
        }

        return environment;
    }

    private static string EnvironmentNote(IReadOnlyDictionary<string, string> environment) =>
        environment.Count == 0 ? string.Empty : $"; environment {string.Join(", ", environment.Select(p => $"{p.Key}={p.Value}"))}";

    // Room for the largest run or the idle probe (plus its warm-up connections), with margin.
    private static int MaxConnections(LoadOptions options) =>
        Math.Max(options.Connections.Max(), options.IdleConnections + IdleProbe.WarmConnections) * 2;

    private static void Skip(List<string> notes, string message)
    {
        Console.WriteLine($"load: {message}");
        notes.Add(message);
    }

    internal static string? FindGatewayDll(LoadOptions options)
    {
        if (options.GatewayDll is not null)
        {
            return File.Exists(options.GatewayDll) ? Path.GetFullPath(options.GatewayDll) : null;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "McpGateway.sln")))
            {
                var dll = Path.Combine(directory.FullName, "Gateway.Host", "bin", "Release", "net10.0", "mcpgw.dll");
                return File.Exists(dll) ? dll : null;
            }
        }

        return null;
    }

    internal static string? FindOnPath(string name)
    {
        // Like `which`, plus the sbin directories a non-root PATH may lack (Debian installs haproxy in /usr/sbin).
        var path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var directory in path.Concat(["/usr/sbin", "/usr/local/sbin"]))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
