using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace McpGateway.Benchmarks.Load;

/// <summary>
/// <c>load --mode http</c>: Streamable HTTP clients against server-everything, once directly (its own
/// <c>streamableHttp</c> mode, the Node SDK's HTTP transport) and once through the gateway's HTTP front door (the same
/// server over stdio behind a <c>mcpgw serve</c> process). Each client holds one MCP session and sends
/// <c>tools/call echo</c> one request at a time, as an agent does; throughput, latency and server CPU are reported.
/// The like-for-like row, <c>front-door-http</c>, sends the same clients through the front door to an <c>http</c>
/// connection whose upstream is the very server-everything process the <c>direct</c> rows measured.
/// </summary>
internal static class HttpDriver
{
    public static readonly IReadOnlyList<string> Targets = ["direct", "front-door", "front-door-http", "gateway-tcp"];

    public static async Task<int> RunAsync(LoadOptions options)
    {
        var budget = TimeSpan.FromSeconds(((options.WarmupSeconds + options.Seconds + 30) * options.Connections.Count * Targets.Count) + 120);
        using var stop = new CancellationTokenSource(budget);
        var root = RepoRoot();
        var gatewayDll = LoadDriver.FindGatewayDll(options);
        var serverJs = Path.Combine(root, "peers", "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js");
        if (gatewayDll is null || !File.Exists(serverJs))
        {
            await Console.Error.WriteLineAsync("load --mode http: needs Gateway.Host built in Release (or --gateway-dll) and peers/node_modules (npm ci in peers/)").ConfigureAwait(false);
            return 1;
        }

        var notes = new List<string>
        {
            $"Machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}; clients, servers and gateway share "
                + $"these cores, so read the numbers as relative. Load average before the run: {ProcStat.LoadAverage()}.",
            $"Each client holds one MCP session (initialize, notifications/initialized) and sends `tools/call echo` one at a time; warmup {options.WarmupSeconds} s, "
                + $"then {options.Seconds} s measured per row. Latency is client side, request sent to response body read.",
            "direct: `node server-everything/dist/index.js streamableHttp` (preloaded with peers/force-loopback.cjs); every answer is an SSE stream.",
            "front-door: `mcpgw serve` (auth none, logging Warning) with the HTTP front door, connection `everything` = the same server-everything over stdio, "
                + "one process per session; answers are JSON.",
            "front-door-http: the same gateway's front door, connection `everything-http` = an `http` connection to the server-everything process "
                + "of the direct rows (one upstream MCP session per client session, 2025-11-25, SSE answers relayed as JSON); server CPU counts both processes.",
            "gateway-tcp: the same gateway process and upstream reached over its TCP listener (one line per message, "
                + "`mcpgw bridge`'s protocol) with the same one-call-at-a-time clients: the cost of HTTP over the gateway's own framing.",
            "Server CPU: utime + stime from /proc of the server process and its children (the gateway and its node children for front-door) over the window; "
                + "gateway CPU: the gateway process alone (without server-everything), the front door's own cost.",
        };

        var rows = new List<(int Clients, string Target, double Rps, double P50, double P99, double CpuPerRequest, double GatewayCpuPerRequest)>();
        var port = FreePort();
        var directUrl = new Uri($"http://127.0.0.1:{port}/mcp");
        await using var direct = StartProcess("node", [serverJs, "streamableHttp"], new Dictionary<string, string>
        {
            ["PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["NODE_OPTIONS"] = $"--require {Path.Combine(root, "peers", "force-loopback.cjs")}",
        });
        await WaitForPortAsync(port, direct, stop.Token).ConfigureAwait(false);
        foreach (var clients in options.Connections)
        {
            rows.Add(await MeasureAsync("direct", directUrl, clients, [direct.Process.Id], null, options, stop.Token).ConfigureAwait(false));
        }

        var mcpPort = FreePort();
        var httpPort = FreePort();
        var config = Path.Combine(Path.GetTempPath(), $"mcpgw-http-load-{Environment.ProcessId}.json");
        var maxSessions = options.Connections.Max() * 2;
        await File.WriteAllTextAsync(config, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["listen"] = $"127.0.0.1:{mcpPort}",
            ["auth"] = new Dictionary<string, string> { ["mode"] = "none" },
            ["http"] = new Dictionary<string, string> { ["listen"] = $"127.0.0.1:{httpPort}" },
            ["logging"] = new Dictionary<string, string> { ["level"] = "Warning" },
            ["limits"] = new Dictionary<string, int> { ["maxConnectionsPerIdentity"] = maxSessions, ["maxUnauthenticatedConnections"] = maxSessions },
            ["connections"] = new Dictionary<string, object>
            {
                ["everything"] = new Dictionary<string, object> { ["transport"] = "stdio", ["command"] = "node", ["args"] = new[] { serverJs, "stdio" } },
                ["everything-http"] = new Dictionary<string, object> { ["transport"] = "http", ["url"] = directUrl.ToString() },
            },
        }), stop.Token).ConfigureAwait(false);
        try
        {
            await using var gateway = StartProcess("dotnet", [gatewayDll, "serve", "--config", config], options.GatewayEnvironment);
            await WaitForPortAsync(httpPort, gateway, stop.Token).ConfigureAwait(false);
            foreach (var clients in options.Connections)
            {
                rows.Add(await MeasureAsync("front-door", new Uri($"http://127.0.0.1:{httpPort}/mcp/everything"), clients, [gateway.Process.Id], gateway.Process.Id, options, stop.Token).ConfigureAwait(false));
            }

            foreach (var clients in options.Connections)
            {
                rows.Add(await MeasureAsync(
                    "front-door-http", new Uri($"http://127.0.0.1:{httpPort}/mcp/everything-http"), clients, [gateway.Process.Id, direct.Process.Id], gateway.Process.Id, options, stop.Token).ConfigureAwait(false));
            }

            foreach (var clients in options.Connections)
            {
                rows.Add(await MeasureTcpAsync(new IPEndPoint(IPAddress.Loopback, mcpPort), clients, gateway.Process.Id, options, stop.Token).ConfigureAwait(false));
            }
        }
        finally
        {
            File.Delete(config);
        }

        var report = new StringBuilder();
        report.AppendLine("# HTTP front door vs direct (Streamable HTTP, server-everything)").AppendLine();
        foreach (var note in notes)
        {
            report.Append("- ").AppendLine(note);
        }

        report.AppendLine().AppendLine("| clients | target | req/s | p50 us | p99 us | server CPU us/req | gateway CPU us/req | req/s vs direct |").AppendLine("|--:|--|--:|--:|--:|--:|--:|--:|");
        foreach (var row in rows)
        {
            var baseline = rows.FirstOrDefault(r => r.Clients == row.Clients && r.Target == "direct");
            var ratio = row.Target == "direct" || baseline.Rps == 0 ? "-" : (row.Rps / baseline.Rps).ToString("P0", CultureInfo.InvariantCulture);
            report.AppendLine(CultureInfo.InvariantCulture, $"| {row.Clients} | {row.Target} | {row.Rps:N0} | {row.P50:N0} | {row.P99:N0} | {row.CpuPerRequest:N1} | {(row.Target == "direct" ? "-" : row.GatewayCpuPerRequest.ToString("N1", CultureInfo.InvariantCulture))} | {ratio} |");
        }

        var outPath = options.Out == new LoadOptions().Out ? Path.Combine("BenchmarkDotNet.Artifacts", "http-load-results.md") : options.Out;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
        await File.WriteAllTextAsync(outPath, report.ToString(), stop.Token).ConfigureAwait(false);
        Console.WriteLine(report);
        Console.WriteLine($"written to {outPath}");
        return 0;
    }

    private static async Task<(int, string, double, double, double, double, double)> MeasureAsync(
        string target, Uri url, int clients, int[] serverPids, int? gatewayPid, LoadOptions options, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        var sessions = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => OpenSessionAsync(http, url, cancellationToken))).ConfigureAwait(false);

        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var measuring = 0;
        var histograms = sessions.Select(_ => new LatencyHistogram()).ToArray();
        var counts = new long[clients];
        var workers = sessions.Select((session, i) => Task.Run(async () =>
        {
            var id = 10;
            while (!running.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                var body = "{\"jsonrpc\":\"2.0\",\"id\":" + (id++).ToString(CultureInfo.InvariantCulture)
                    + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"bench\"}}}";
                try
                {
                    var answer = await PostAsync(http, url, body, session, running.Token).ConfigureAwait(false);
                    if (!answer.Contains("\"result\"", StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException($"{target}: unexpected answer {answer}");
                    }
                }
                catch (OperationCanceledException) when (running.IsCancellationRequested)
                {
                    return;
                }

                if (Volatile.Read(ref measuring) == 1)
                {
                    histograms[i].RecordTicks(Stopwatch.GetTimestamp() - started);
                    counts[i]++;
                }
            }
        }, CancellationToken.None)).ToArray();

        await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds), cancellationToken).ConfigureAwait(false);
        var cpuBefore = serverPids.Sum(p => TreeCpu(p).Ticks);
        var gatewayBefore = gatewayPid is { } before ? ProcStat.CpuTime(before) : TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        Volatile.Write(ref measuring, 1);
        await Task.Delay(TimeSpan.FromSeconds(options.Seconds), cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref measuring, 0);
        var elapsed = clock.Elapsed;
        var cpu = TimeSpan.FromTicks(serverPids.Sum(p => TreeCpu(p).Ticks) - cpuBefore);
        var gatewayCpu = gatewayPid is { } after ? ProcStat.CpuTime(after) - gatewayBefore : TimeSpan.Zero;
        await running.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(workers).ConfigureAwait(false);
        await Task.WhenAll(sessions.Select(s => CloseSessionAsync(http, url, s))).ConfigureAwait(false);

        var total = new LatencyHistogram();
        foreach (var histogram in histograms)
        {
            total.Add(histogram);
        }

        var requests = counts.Sum();
        Console.WriteLine($"{target,-15} clients {clients,4}: {requests / elapsed.TotalSeconds,10:N0} req/s  p50 {total.PercentileMicroseconds(50),8:N0} us  p99 {total.PercentileMicroseconds(99),8:N0} us");
        return (clients, target, requests / elapsed.TotalSeconds, total.PercentileMicroseconds(50), total.PercentileMicroseconds(99),
            requests == 0 ? 0 : cpu.TotalMicroseconds / requests, requests == 0 ? 0 : gatewayCpu.TotalMicroseconds / requests);
    }

    private static async Task<(int, string, double, double, double, double, double)> MeasureTcpAsync(
        IPEndPoint endpoint, int clients, int serverPid, LoadOptions options, CancellationToken cancellationToken)
    {
        var connections = await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            var tcp = new TcpClient { NoDelay = true };
            await tcp.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            var reader = new StreamReader(tcp.GetStream(), Encoding.UTF8);
            var writer = new StreamWriter(tcp.GetStream(), new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
            await writer.WriteLineAsync("""{"jsonrpc":"2.0","id":"auth","method":"mcpgateway/authenticate","params":{"token":"load","connection":"everything"}}""").ConfigureAwait(false);
            await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            await writer.WriteLineAsync("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"load","version":"0.1"}}}""").ConfigureAwait(false);
            await ReadResponseAsync(reader, cancellationToken).ConfigureAwait(false);
            await writer.WriteLineAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""").ConfigureAwait(false);
            return (tcp, reader, writer);
        })).ConfigureAwait(false);

        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var measuring = 0;
        var histograms = connections.Select(_ => new LatencyHistogram()).ToArray();
        var counts = new long[clients];
        var workers = connections.Select((connection, i) => Task.Run(async () =>
        {
            var id = 10;
            while (!running.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await connection.writer.WriteLineAsync("{\"jsonrpc\":\"2.0\",\"id\":" + (id++).ToString(CultureInfo.InvariantCulture)
                        + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"message\":\"bench\"}}}").ConfigureAwait(false);
                    await ReadResponseAsync(connection.reader, running.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (running.IsCancellationRequested)
                {
                    return;
                }

                if (Volatile.Read(ref measuring) == 1)
                {
                    histograms[i].RecordTicks(Stopwatch.GetTimestamp() - started);
                    counts[i]++;
                }
            }
        }, CancellationToken.None)).ToArray();

        await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds), cancellationToken).ConfigureAwait(false);
        var cpuBefore = TreeCpu(serverPid);
        var gatewayBefore = ProcStat.CpuTime(serverPid);
        var clock = Stopwatch.StartNew();
        Volatile.Write(ref measuring, 1);
        await Task.Delay(TimeSpan.FromSeconds(options.Seconds), cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref measuring, 0);
        var elapsed = clock.Elapsed;
        var cpu = TreeCpu(serverPid) - cpuBefore;
        var gatewayCpu = ProcStat.CpuTime(serverPid) - gatewayBefore;
        await running.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(workers).ConfigureAwait(false);
        foreach (var (tcp, reader, writer) in connections)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            reader.Dispose();
            tcp.Dispose();
        }

        var total = new LatencyHistogram();
        foreach (var histogram in histograms)
        {
            total.Add(histogram);
        }

        var requests = counts.Sum();
        Console.WriteLine($"{"gateway-tcp",-15} clients {clients,4}: {requests / elapsed.TotalSeconds,10:N0} req/s  p50 {total.PercentileMicroseconds(50),8:N0} us  p99 {total.PercentileMicroseconds(99),8:N0} us");
        return (clients, "gateway-tcp", requests / elapsed.TotalSeconds, total.PercentileMicroseconds(50), total.PercentileMicroseconds(99),
            requests == 0 ? 0 : cpu.TotalMicroseconds / requests, requests == 0 ? 0 : gatewayCpu.TotalMicroseconds / requests);
    }

    /// <summary>Reads lines up to the next response (a line with an id and no method; notifications are skipped).</summary>
    private static async Task ReadResponseAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? throw new IOException("the gateway closed the connection");
            if (!line.Contains("\"method\"", StringComparison.Ordinal))
            {
                if (!line.Contains("\"result\"", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException($"gateway-tcp: unexpected answer {line}");
                }

                return;
            }
        }
    }

    private static async Task<string> OpenSessionAsync(HttpClient http, Uri url, CancellationToken cancellationToken)
    {
        using var request = Request(url, """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"load","version":"0.1"}}}""", null);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var session = response.Headers.GetValues("Mcp-Session-Id").Single();
        await PostAsync(http, url, """{"jsonrpc":"2.0","method":"notifications/initialized"}""", session, cancellationToken).ConfigureAwait(false);
        return session;
    }

    private static async Task CloseSessionAsync(HttpClient http, Uri url, string session)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, url);
        request.Headers.Add("Mcp-Session-Id", session);
        using var _ = await http.SendAsync(request).ConfigureAwait(false);
    }

    private static async Task<string> PostAsync(HttpClient http, Uri url, string body, string session, CancellationToken cancellationToken)
    {
        using var request = Request(url, body, session);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    private static HttpRequestMessage Request(Uri url, string body, string? session)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (session is not null)
        {
            request.Headers.Add("Mcp-Session-Id", session);
            request.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        }

        return request;
    }

    /// <summary>CPU time of <paramref name="pid"/> and its children (one level: the gateway's upstream processes).</summary>
    private static TimeSpan TreeCpu(int pid)
    {
        var total = ProcStat.CpuTime(pid);
        var parent = pid.ToString(CultureInfo.InvariantCulture);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var child) || child == pid)
            {
                continue;
            }

            try
            {
                var ppid = File.ReadLines(Path.Combine(directory, "status")).FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal))?[5..].Trim();
                if (ppid == parent)
                {
                    total += ProcStat.CpuTime(child);
                }
            }
            catch (IOException)
            {
                // Exited while we looked.
            }
        }

        return total;
    }

    private static ServerProcess StartProcess(string command, string[] args, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServerProcess(process);
    }

    private static async Task WaitForPortAsync(int port, ServerProcess server, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            if (server.Process.HasExited)
            {
                throw new InvalidOperationException($"{server.Process.StartInfo.FileName} exited with code {server.Process.ExitCode}");
            }

            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await probe.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, timeout.Token).ConfigureAwait(false);
            }
        }
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    internal static string RepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "McpGateway.sln")))
            {
                return directory.FullName;
            }
        }

        return Environment.CurrentDirectory;
    }

    private sealed class ServerProcess(Process process) : IAsyncDisposable
    {
        public Process Process { get; } = process;

        public async ValueTask DisposeAsync()
        {
            try
            {
                if (!Process.HasExited)
                {
                    Process.Kill(entireProcessTree: true);
                }

                await Process.WaitForExitAsync().ConfigureAwait(false);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            Process.Dispose();
        }
    }
}
