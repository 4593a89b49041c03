using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace McpGateway.Benchmarks.Load;

/// <summary>
/// A throwaway PostgreSQL cluster on 127.0.0.1 for <c>gateway-audit-pg</c>, the way the tests start theirs
/// (peers/pg-throwaway.sh: fsync off, synchronous_commit off), stopped and deleted on dispose.
/// </summary>
internal sealed class ThrowawayCluster : IAsyncDisposable
{
    private readonly string _directory;

    private ThrowawayCluster(string directory, int port)
    {
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username=postgres;Database=mcptest");

    /// <summary>False where the PostgreSQL server binaries are not installed.</summary>
    public static bool IsAvailable =>
        Directory.Exists("/usr/lib/postgresql")
        && Directory.EnumerateDirectories("/usr/lib/postgresql").Any(d => File.Exists(Path.Combine(d, "bin", "initdb")));

    public static async Task<ThrowawayCluster> StartAsync(CancellationToken cancellationToken)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var (exit, output) = await RunAsync(["start"], port, cancellationToken).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new InvalidOperationException($"pg-throwaway.sh start exited with {exit}: {output}");
        }

        return new ThrowawayCluster(output.Trim().Split('\n')[^1], port);
    }

    public async ValueTask DisposeAsync() => await RunAsync(["stop", _directory], Port, CancellationToken.None).ConfigureAwait(false);

    private static async Task<(int Exit, string Output)> RunAsync(string[] arguments, int port, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        startInfo.ArgumentList.Add(Path.Combine(HttpDriver.RepoRoot(), "peers", "pg-throwaway.sh"));
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["PGPORT"] = port.ToString(CultureInfo.InvariantCulture);
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }
}
