using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace McpGateway.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster on 127.0.0.1 (peers/pg-throwaway.sh: database <c>mcptest</c> with table
/// <c>items</c>), stopped and deleted on dispose. <see cref="IsAvailable"/> is false where the PostgreSQL server
/// binaries are not installed.
/// </summary>
internal sealed class ThrowawayPostgres : IAsyncDisposable
{
    private ThrowawayPostgres(string directory, int port)
    {
        Directory = directory;
        Port = port;
    }

    public static bool IsAvailable =>
        System.IO.Directory.Exists("/usr/lib/postgresql")
        && System.IO.Directory.EnumerateDirectories("/usr/lib/postgresql").Any(d => File.Exists(Path.Combine(d, "bin", "initdb")));

    public string Directory { get; }

    public int Port { get; }

    public string ConnectionUri => $"postgresql://postgres@127.0.0.1:{Port}/mcptest";

    /// <summary>The same database as an Npgsql connection string (what the gateway's configuration takes).</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=mcptest";

    /// <summary>The server log: every statement that failed is in it.</summary>
    public string ServerLog => File.Exists(Path.Combine(Directory, "server.log")) ? File.ReadAllText(Path.Combine(Directory, "server.log")) : "";

    public static async Task<ThrowawayPostgres> StartAsync(CancellationToken cancellationToken)
    {
        var port = FreePort();
        var (exit, output) = await RunAsync(["start"], port, cancellationToken);
        if (exit != 0)
        {
            throw new InvalidOperationException($"pg-throwaway.sh start exited with {exit}: {output}");
        }

        return new ThrowawayPostgres(output.Trim().Split('\n')[^1], port);
    }

    /// <summary>
    /// A fixture's cluster, started within 60 s; where the server binaries are missing the fixture is ignored, saying
    /// what is then <paramref name="untested"/>.
    /// </summary>
    public static async Task<ThrowawayPostgres> StartOrIgnoreAsync(string? untested = null)
    {
        if (!IsAvailable)
        {
            Assert.Ignore("PostgreSQL server binaries are not installed" + (untested is null ? "" : $"; {untested} is not tested here"));
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await StartAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync() => await RunAsync(["stop", Directory], Port, CancellationToken.None);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<(int Exit, string Output)> RunAsync(string[] arguments, int port, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        startInfo.ArgumentList.Add(Path.Combine(RepoPaths.Peers, "pg-throwaway.sh"));
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["PGPORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }
}
