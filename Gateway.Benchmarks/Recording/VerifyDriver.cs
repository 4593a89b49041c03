using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using McpGateway.Benchmarks.Load;
using McpGateway.Core.Recording;
using McpGateway.Inspectors.Recording;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Benchmarks.Recording;

/// <summary>
/// <c>verify-audit</c>: how fast <c>mcpgw audit verify</c> checks a large SQLite store. Generates the store once (the
/// real store's commit path, format-2 records with 256-byte payloads and every column filled, as a session writes
/// them), then runs <c>mcpgw audit verify --store</c> for each given build in turn, several rounds, each under
/// <c>/usr/bin/time</c>, and prints wall time, records/s and CPU µs per record (user + system of the whole process,
/// start-up included) beside the load average. Builds alternate within a round, so their figures share the machine's
/// weather.
/// <code>
/// verify-audit --store /tmp/big.db --records 1000000 --mcpgw Gateway.Host/bin/Release/net10.0/mcpgw.dll[,other.dll] --rounds 3
/// </code>
/// </summary>
internal static class VerifyDriver
{
    private const int CommitBatch = 4096;

    public static async Task<int> RunAsync(string[] args)
    {
        string? store = null;
        long records = 1_000_000;
        var rounds = 3;
        var builds = new List<string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--store":
                    store = Path.GetFullPath(args[i + 1]);
                    break;
                case "--records":
                    records = long.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--rounds":
                    rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--mcpgw":
                    builds.AddRange(args[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Path.GetFullPath));
                    break;
                default:
                    await Console.Error.WriteLineAsync($"verify-audit: unknown option {args[i]}").ConfigureAwait(false);
                    return 2;
            }
        }

        if (store is null || builds.Count == 0 || records < 1 || rounds < 1 || args.Length % 2 != 0)
        {
            await Console.Error.WriteLineAsync("usage: verify-audit --store PATH --mcpgw DLL[,DLL...] [--records N] [--rounds R]").ConfigureAwait(false);
            return 2;
        }

        await EnsureStoreAsync(store, records).ConfigureAwait(false);
        Console.WriteLine("| round | build | wall s | records/s (wall) | CPU s | CPU µs/record | load average before |");
        Console.WriteLine("| ---: | --- | ---: | ---: | ---: | ---: | --- |");
        var failed = false;
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var build in builds)
            {
                var load = ProcStat.LoadAverage();
                var (wall, cpu, exit, output) = await TimeVerifyAsync(build, store).ConfigureAwait(false);
                if (exit != 0)
                {
                    failed = true;
                    await Console.Error.WriteLineAsync($"verify-audit: {build} exited {exit}: {output}").ConfigureAwait(false);
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {round} | {build} | {wall:F2} | {records / wall:N0} | {cpu:F2} | {cpu * 1e6 / records:F2} | {load} |"));
            }
        }

        return failed ? 1 : 0;
    }

    /// <summary>Writes <paramref name="records"/> records to a new store at <paramref name="path"/> unless a store is already there.</summary>
    private static async Task EnsureStoreAsync(string path, long records)
    {
        if (File.Exists(path))
        {
            Console.WriteLine($"verify-audit: using the existing store {path} (delete it to generate a new one)");
            return;
        }

        var clock = Stopwatch.StartNew();
        var store = new SqliteAuditStore(path, CommitBatch, TimeSpan.FromSeconds(30), TimeProvider.System, NullLogger.Instance) { SyncCommits = false };
        await using (store.ConfigureAwait(false))
        {
            var batch = new List<AuditRecord>(CommitBatch);
            for (long i = 0; i < records; i++)
            {
                batch.Add(Record(i));
                if (batch.Count == CommitBatch || i == records - 1)
                {
                    await ((IAuditBatchSink)store).CommitAsync(batch, CancellationToken.None).ConfigureAwait(false);
                    batch.Clear();
                }
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"verify-audit: wrote {records:N0} records to {path} in {clock.Elapsed.TotalSeconds:F1} s"));
    }

    private static async Task<(double Wall, double Cpu, int Exit, string Output)> TimeVerifyAsync(string build, string store)
    {
        var start = new ProcessStartInfo("/usr/bin/time")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-f", "verify-audit-time %e %U %S", "dotnet", build, "audit", "verify", "--store", store })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/time");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        var line = stderr.Split('\n').Last(l => l.StartsWith("verify-audit-time ", StringComparison.Ordinal)).Split(' ');
        var wall = double.Parse(line[1], CultureInfo.InvariantCulture);
        var cpu = double.Parse(line[2], CultureInfo.InvariantCulture) + double.Parse(line[3], CultureInfo.InvariantCulture);
        return (wall, cpu, process.ExitCode, (await stdout.ConfigureAwait(false)).Trim());
    }

    /// <summary>A forwarded frame's record, as a session writes it: every column filled, a 256-byte <c>tools/call</c> payload.</summary>
    private static AuditRecord Record(long i)
    {
        var id = i.ToString(CultureInfo.InvariantCulture);
        var head = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"";
        var payload = Encoding.UTF8.GetBytes(head + new string('x', Math.Max(0, 256 - head.Length - 4)) + "\"}}}");
        return new AuditRecord
        {
            TimeMicros = 1_765_000_000_000_000 + i,
            Kind = AuditEventKind.Frame,
            SessionId = $"session-{i / 64:D8}",
            Subject = "load-client",
            ClientId = "load-driver",
            Groups = "engineering,platform",
            TokenHash = "3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea",
            Connection = "fast",
            RemoteAddress = "127.0.0.1:50000",
            ProtocolVersion = "2025-06-18",
            Direction = i % 2 == 0 ? "client_to_upstream" : "upstream_to_client",
            FrameSequence = i,
            MessageKind = i % 2 == 0 ? "request" : "response",
            RpcId = id,
            Method = "tools/call",
            Tool = "echo",
            Verdict = "forwarded",
            Inspector = "recording",
            Reason = "ok",
            ErrorCode = i % 2 == 0 ? null : -31003,
            Size = payload.Length,
            PayloadSha256 = Convert.ToHexStringLower(SHA256.HashData(payload)),
            Payload = payload,
        };
    }
}
