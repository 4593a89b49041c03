using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using McpGateway.Benchmarks.Upstream;
using McpGateway.Host.Demo;

namespace McpGateway.Benchmarks.Load;

/// <summary>
/// <c>load --mode storm</c>: the connect storm of issue 3. Per auth mode, a fresh gateway (<c>mcpgw serve</c>, its own
/// process) in front of the fast upstream; <c>--workers</c> workers each loop connect → <c>mcpgateway/authenticate</c>
/// → one <c>tools/call</c> → close. Auth <c>oidc</c> points the gateway at the in-process development issuer (loopback
/// http, RS256): each worker reuses one token, as an agent reconnecting with the token it holds does (the gateway
/// remembers accepted tokens by hash); <c>oidc-fresh</c> sends a token the gateway has never validated in every cycle
/// (a pre-minted pool larger than the gateway's accepted-token cache, used round-robin), so every authenticate pays
/// the full signature validation. The Markdown table is appended to the report file.
/// </summary>
internal static class StormDriver
{
    // The gateway remembers up to 4096 accepted tokens (then forgets them all): a round-robin pool larger than that
    // (plus the reordering of concurrent workers) never hits the cache.
    private const int FreshTokenPool = 4096 + 512;

    /// <summary>The row of HAProxy relaying the same cycles (no authentication of its own).</summary>
    private const string HaproxyRow = "haproxy";

    public static async Task<int> RunAsync(LoadOptions options)
    {
        var budget = TimeSpan.FromSeconds(((options.StormWarmupSeconds + options.Seconds + 60) * options.AuthModes.Count) + 120);
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
        var gatewayDll = LoadDriver.FindGatewayDll(options);
        if (gatewayDll is null)
        {
            await Console.Error.WriteLineAsync("load: mcpgw.dll not found; build it first (dotnet build -c Release Gateway.Host) or pass --gateway-dll").ConfigureAwait(false);
            return 2;
        }

        var notes = new List<string>
        {
            $"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}. The workers, the upstream and the "
                + "development issuer (inside the driver process) and the gateway all share these cores. Load average before the run: "
                + $"{ProcStat.LoadAverage()}.",
            $"{options.Workers} workers, each in a loop: TCP connect → `mcpgateway/authenticate` → `initialize` → one `tools/call` (answered by the fast upstream, "
                + $"about {options.FrameBytes} bytes) → close. Warmup {options.StormWarmupSeconds} s (each gateway is a fresh process: tiered JIT must settle), then {options.Seconds} s measured per auth mode; a fresh gateway per mode.",
            "Handshake: connect → authenticate result, client side. Cycle: connect → close. Gateway CPU: utime + stime of the gateway process "
                + "from /proc/<pid>/stat over the measured window (10 ms ticks) divided by completed cycles; 100 % = one core.",
            $"gateway: `dotnet {Path.GetRelativePath(Environment.CurrentDirectory, gatewayDll)} serve`, default chain, one tcp upstream connection per session, "
                + "limits.maxConnections/maxConnectionsPerIdentity/maxUnauthenticatedConnections raised; "
                + (options.GatewayLogLevel is null
                    ? "console logs at its default level (Information: three lines per session, read by the driver)"
                    : $"logging.level {options.GatewayLogLevel}")
                + (options.WarmConnections > 0 ? $"; {options.WarmConnections} warm upstream sockets (connections.upstream.warmConnections)" : "")
                + (options.GatewayEnvironment.Count == 0 ? "." : $"; environment {string.Join(", ", options.GatewayEnvironment.Select(p => $"{p.Key}={p.Value}"))}."),
            "Auth none: any token. oidc: RS256 tokens (2048-bit key) from the in-process development issuer (loopback http, keys fetched once and cached); "
                + "each worker reuses its own token every cycle, so after the first cycle the gateway finds it in its accepted-token cache (hash lookup, no signature check). "
                + $"oidc-fresh: every cycle a token never seen before (a pool of {FreshTokenPool} minted before the run, round-robin, larger than the 4096-entry cache): "
                + "full validation (signature, issuer, audience, lifetime) on every authenticate.",
        };

        // HAProxy relays the same cycles straight to the fast upstream, which answers authenticate like any request.
        var haproxy = options.Targets.Contains("haproxy") ? LoadDriver.FindOnPath("haproxy") : null;
        var haproxyVersion = haproxy is null ? null : ProxyProcess.HaproxyVersion(haproxy);
        if (options.Targets.Contains("haproxy"))
        {
            notes.Add(haproxyVersion is null
                ? "haproxy: not installed (`which haproxy` found nothing; `apt-get install -y haproxy`, or run the driver through `./build.sh bench --bench-args=\"load ...\"`, which installs it as root). Skipped."
                : $"haproxy: {haproxyVersion}, `mode tcp`, relaying the same cycles to the same upstream (which answers authenticate like any request); its row's CPU is HAProxy's.");
        }

        var maxConnections = Math.Max(1000, options.Workers * 4);
        var results = new List<StormResult>();
        DevelopmentIssuer? issuer = null;
        try
        {
            await using var upstream = FastUpstreamServer.Start(options.FrameBytes);
            Console.WriteLine($"load: storm; upstream on {upstream.Endpoint}; auth {string.Join(", ", options.AuthModes)}; {options.Workers} workers");
            string[]? pool = null;
            if (options.AuthModes.Any(m => m != "none"))
            {
                issuer = await DevelopmentIssuer.StartAsync(cancellationToken).ConfigureAwait(false);
                Console.WriteLine($"load: development issuer on {issuer.Issuer}");
                if (options.AuthModes.Contains("oidc-fresh"))
                {
                    var minting = Stopwatch.StartNew();
                    var dev = issuer;
                    pool = new string[FreshTokenPool];
                    Parallel.For(0, pool.Length, new ParallelOptions { CancellationToken = cancellationToken }, i =>
                        pool[i] = dev.IssueToken($"storm-worker-{i % options.Workers}", ["mcp-users"], TimeSpan.FromHours(1)));
                    Console.WriteLine($"load: minted {pool.Length} fresh tokens in {minting.Elapsed.TotalSeconds:N1} s");
                }
            }

            var rows = haproxyVersion is null ? options.AuthModes : [.. options.AuthModes, HaproxyRow];
            foreach (var auth in rows)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                var result = await RunModeAsync(auth, options, gatewayDll, haproxy, upstream.Endpoint, maxConnections, issuer, pool, cancellationToken).ConfigureAwait(false);
                results.Add(result);
                Console.WriteLine(result.Failure is not null
                    ? $"load: storm {auth,-10}: FAILED {result.Failure}"
                    : $"load: storm {auth,-10}: {result.CyclesPerSecond,8:N0} cycles/s  handshake p50 {result.HandshakeP50,7:N0} µs  p99 {result.HandshakeP99,7:N0} µs  "
                        + $"p99.9 {result.HandshakeP999,7:N0} µs  cycle p50 {result.CycleP50,7:N0} µs  p99 {result.CycleP99,7:N0} µs  "
                        + $"gateway {result.GatewayCpuPerCycle,7:N1} µs/cycle  failures {result.Failures}  load {result.LoadAverage}");
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            notes.Add("The run was cut short (Ctrl+C or its time budget); rows may be missing.");
        }
        finally
        {
            if (issuer is not null)
            {
                await issuer.DisposeAsync().ConfigureAwait(false);
            }
        }

        var report = Format(results, notes, options);
        Console.WriteLine();
        Console.WriteLine(report);
        var outPath = Path.GetFullPath(options.Out);
        Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
        await File.AppendAllTextAsync(outPath, (File.Exists(outPath) ? Environment.NewLine : string.Empty) + report, CancellationToken.None).ConfigureAwait(false);
        Console.WriteLine($"load: storm report appended to {outPath}");
        return results.Count == 0 || results.Any(r => r.Failure is not null) ? 1 : 0;
    }

    private static async Task<StormResult> RunModeAsync(
        string auth,
        LoadOptions options,
        string gatewayDll,
        string? haproxy,
        IPEndPoint upstream,
        int maxConnections,
        DevelopmentIssuer? issuer,
        string[]? pool,
        CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, object>? authSection = auth is "none" or HaproxyRow
            ? null
            : new Dictionary<string, object>
            {
                ["mode"] = "oidc",
                ["issuer"] = issuer!.Issuer,
                ["audience"] = DevelopmentIssuer.Audience,
                ["requireHttpsMetadata"] = false,
            };

        ProxyProcess gateway;
        try
        {
            gateway = auth == HaproxyRow
                ? await ProxyProcess.StartHaproxyAsync(haproxy!, upstream, cancellationToken).ConfigureAwait(false)
                : await ProxyProcess.StartGatewayAsync(gatewayDll, upstream, maxConnections, options.GatewayEnvironment, cancellationToken, authSection, options.GatewayLogLevel, warmConnections: options.WarmConnections).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            return StormResult.Failed(auth, options.Workers, $"{(auth == HaproxyRow ? "haproxy" : "gateway")} did not start: {ex.Message}");
        }

        await using (gateway.ConfigureAwait(false))
        {
            Console.WriteLine($"load: storm {auth}: {gateway.Name} pid {gateway.Pid} on {gateway.Endpoint}");
            var freshNext = -1L;
            var workers = Enumerable.Range(0, options.Workers).Select(i =>
            {
                Func<string> token = auth switch
                {
                    "oidc" => Reused(issuer!.IssueToken($"storm-worker-{i}", ["mcp-users"], TimeSpan.FromHours(1))),
                    "oidc-fresh" => () => pool![(int)(Interlocked.Increment(ref freshNext) % pool.Length)],
                    _ => Reused($"storm-worker-{i}"),
                };
                return new StormWorker(gateway.Endpoint, token);
            }).ToList();

            var phase = new LoadPhase();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(options.StormWarmupSeconds + options.Seconds + 30));
            var all = Task.WhenAll(workers.Select(w => Task.Run(() => w.RunAsync(phase, deadline.Token), CancellationToken.None)));
            try
            {
                await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(options.StormWarmupSeconds), cancellationToken)).ConfigureAwait(false);
                ThrowIfEnded(all, cancellationToken);

                var gatewayBefore = ProcStat.CpuTime(gateway.Pid);
                var driverBefore = ProcStat.CpuTime(Environment.ProcessId);
                var started = Stopwatch.GetTimestamp();
                phase.StartRecording();
                await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(options.Seconds), cancellationToken)).ConfigureAwait(false);
                phase.StopRecording();
                var elapsed = Stopwatch.GetElapsedTime(started);
                var gatewayCpu = ProcStat.CpuTime(gateway.Pid) - gatewayBefore;
                var driverCpu = ProcStat.CpuTime(Environment.ProcessId) - driverBefore;
                var load = ProcStat.LoadAverage();
                ThrowIfEnded(all, cancellationToken);

                phase.Stop();
                await all.ConfigureAwait(false);
                var handshake = new LatencyHistogram();
                var cycle = new LatencyHistogram();
                long cycles = 0;
                long failures = 0;
                foreach (var worker in workers)
                {
                    handshake.Add(worker.Handshake);
                    cycle.Add(worker.Cycle);
                    cycles += worker.Cycles;
                    failures += worker.Failures;
                }

                var firstFailure = workers.Select(w => w.FirstFailure).FirstOrDefault(f => f is not null);
                if (firstFailure is not null)
                {
                    Console.WriteLine($"load: storm {auth}: first failure: {firstFailure}");
                }

                return cycles == 0
                    ? StormResult.Failed(auth, options.Workers, $"no cycle completed; first failure: {firstFailure}")
                    : new StormResult(auth, options.Workers, elapsed.TotalSeconds, cycles, failures, handshake, cycle, gatewayCpu, driverCpu, load);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or InvalidOperationException)
            {
                phase.Stop();
                return StormResult.Failed(auth, options.Workers, $"{ex.GetType().Name}: {ex.Message}; gateway said:{Environment.NewLine}{gateway.RecentOutput}");
            }
        }

        static Func<string> Reused(string token) => () => token;
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
            throw new InvalidOperationException("every worker ended before the run did");
        }
    }

    private static string Format(IReadOnlyList<StormResult> results, IReadOnlyList<string> notes, LoadOptions options)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"## McpGateway connect storm ({options.Workers} workers, {options.Seconds} s per auth mode)").AppendLine();
        foreach (var note in notes)
        {
            text.Append("- ").AppendLine(note);
        }

        text.AppendLine();
        text.AppendLine("| Auth | cycles/s | Handshake p50 µs | Handshake p99 µs | Handshake p99.9 µs | Cycle p50 µs | Cycle p99 µs | Gateway CPU µs/cycle | Gateway CPU % | Driver CPU % | Failures | Load avg after |");
        text.AppendLine("|------|---------:|-----------------:|-----------------:|-------------------:|-------------:|-------------:|---------------------:|--------------:|-------------:|---------:|----------------|");
        foreach (var r in results)
        {
            text.AppendLine(r.Failure is not null
                ? Row(r.Auth, $"failed: {r.Failure.ReplaceLineEndings(" ")}")
                : Row(
                    r.Auth,
                    Number(r.CyclesPerSecond, "N0"),
                    Number(r.HandshakeP50, "N0"),
                    Number(r.HandshakeP99, "N0"),
                    Number(r.HandshakeP999, "N0"),
                    Number(r.CycleP50, "N0"),
                    Number(r.CycleP99, "N0"),
                    Number(r.GatewayCpuPerCycle, "N1"),
                    Number(r.GatewayCpuPercent, "N0"),
                    Number(r.DriverCpuPercent, "N0"),
                    r.Failures.ToString(CultureInfo.InvariantCulture),
                    r.LoadAverage ?? "-"));
        }

        var none = results.FirstOrDefault(r => r.Auth == "none" && r.Failure is null);
        var others = results.Where(r => r.Auth is not ("none" or HaproxyRow) && r.Failure is null).ToList();
        if (none is not null && others.Count > 0)
        {
            text.AppendLine().AppendLine("### Ratios against auth none").AppendLine();
            text.AppendLine("| Auth | cycles/s | Handshake p50 | Handshake p99 | Handshake p99.9 | Cycle p50 | Cycle p99 | Gateway CPU µs/cycle | Extra gateway CPU µs/cycle |");
            text.AppendLine("|------|---------:|--------------:|--------------:|----------------:|----------:|----------:|---------------------:|---------------------------:|");
            foreach (var r in others)
            {
                text.AppendLine(Row(
                    r.Auth,
                    Percent(r.CyclesPerSecond / none.CyclesPerSecond),
                    Times(r.HandshakeP50 / none.HandshakeP50),
                    Times(r.HandshakeP99 / none.HandshakeP99),
                    Times(r.HandshakeP999 / none.HandshakeP999),
                    Times(r.CycleP50 / none.CycleP50),
                    Times(r.CycleP99 / none.CycleP99),
                    Times(r.GatewayCpuPerCycle / none.GatewayCpuPerCycle),
                    Number(r.GatewayCpuPerCycle - none.GatewayCpuPerCycle, "+0.0;-0.0")));
            }
        }

        var relay = results.FirstOrDefault(r => r.Auth == HaproxyRow && r.Failure is null);
        var gateways = results.Where(r => r.Auth != HaproxyRow && r.Failure is null).ToList();
        if (relay is not null && gateways.Count > 0)
        {
            text.AppendLine().AppendLine("### Gateway vs HAProxy (gateway / haproxy)").AppendLine();
            text.AppendLine("| Auth | cycles/s | Handshake p50 | Handshake p99 | Cycle p50 | Cycle p99 | CPU µs/cycle |");
            text.AppendLine("|------|---------:|--------------:|--------------:|----------:|----------:|-------------:|");
            foreach (var r in gateways)
            {
                text.AppendLine(Row(
                    r.Auth,
                    Percent(r.CyclesPerSecond / relay.CyclesPerSecond),
                    Times(r.HandshakeP50 / relay.HandshakeP50),
                    Times(r.HandshakeP99 / relay.HandshakeP99),
                    Times(r.CycleP50 / relay.CycleP50),
                    Times(r.CycleP99 / relay.CycleP99),
                    Times(r.GatewayCpuPerCycle / relay.GatewayCpuPerCycle)));
            }
        }

        var goal = results.Where(r => r.Auth is not ("none" or HaproxyRow) && r.Failure is null).ToList();
        if (goal.Count > 0)
        {
            text.AppendLine().Append("Goal (issue 3: ≥ 5,000 cycles/s with RS256 tokens and cached keys, handshake p99 < 5 ms): ");
            text.AppendLine(string.Join("; ", goal.Select(r =>
                $"{r.Auth} {(r.CyclesPerSecond >= 5000 ? "meets" : "misses")} the rate ({Number(r.CyclesPerSecond, "N0")}/s) and "
                + $"{(r.HandshakeP99 < 5000 ? "meets" : "misses")} the p99 ({Number(r.HandshakeP99 / 1000, "N2")} ms)")) + ".");
        }

        return text.ToString();
    }

    private static string Row(params string[] cells) => $"| {string.Join(" | ", cells)} |";

    private static string Number(double value, string format) =>
        double.IsNaN(value) || double.IsInfinity(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture);

    private static string Percent(double ratio) => Number(ratio * 100, "N0") + " %";

    private static string Times(double ratio) => Number(ratio, "N2") + "×";
}
