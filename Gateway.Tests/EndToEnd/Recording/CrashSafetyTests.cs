using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using McpGateway.Core.Recording;
using McpGateway.Host.Commands;
using McpGateway.Inspectors;
using McpGateway.Inspectors.Recording;
using McpGateway.Tests.EndToEnd.Hostile;
using McpGateway.Tests.EndToEnd.Protocol;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace McpGateway.Tests.EndToEnd.Recording;

/// <summary>
/// <c>mcpgw serve</c> as a process with recording on, under load, killed with SIGKILL at a random moment, three times
/// over one store: each time the store still verifies (chain and signed checkpoints), every call the upstream executed
/// has its request record, and every response a client received has its response record.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class CrashSafetyTests
{
    private const int Clients = 6;

    private string _directory = null!;

    [SetUp]
    public async Task CreateDirectory()
    {
        _directory = Directory.CreateTempSubdirectory("mcpgw-crash-").FullName;
        using var output = new StringWriter();
        Assert.That(await AuditCommand.RunAsync(["keygen", "--out", Path.Combine(_directory, "key.pem")], output, output), Is.Zero, output.ToString());
    }

    [TearDown]
    public void DeleteDirectory()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    [CancelAfter(90000)]
    public Task KillNine_DuringLoad_ThreeRounds_SqliteVerifiesAndHoldsEveryExecutedCall(CancellationToken cancellationToken) =>
        RunRoundsAsync(new JsonObject { ["path"] = "audit.db" }, cancellationToken);

    [Test]
    [CancelAfter(120000)]
    public async Task KillNine_DuringLoad_ThreeRounds_PostgresVerifiesAndHoldsEveryExecutedCall(CancellationToken cancellationToken)
    {
        if (!ThrowawayPostgres.IsAvailable)
        {
            Assert.Ignore("PostgreSQL server binaries are not installed");
        }

        await using var postgres = await ThrowawayPostgres.StartAsync(cancellationToken);
        await RunRoundsAsync(new JsonObject
        {
            ["store"] = "postgres",
            ["connectionString"] = postgres.ConnectionString,
        }, cancellationToken);
    }

    private async Task RunRoundsAsync(JsonObject store, CancellationToken cancellationToken)
    {
        await using var upstream = SpyUpstream.Start(SpyBehavior.Echo);
        var answered = new ConcurrentBag<string>();
        var random = new Random();
        for (var round = 0; round < 3; round++)
        {
            var config = await WriteConfigAsync(store, upstream.Port, cancellationToken);
            await using var gateway = ChildProcess.Start("dotnet", [BuildOutputs.GatewayHostDll, "serve", "--config", config.Path]);
            await gateway.WaitForLineAsync(line => line.Contains("Gateway listening on", StringComparison.Ordinal), TimeSpan.FromSeconds(30), cancellationToken);

            using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var load = Enumerable.Range(0, Clients).Select(c => DriveAsync(config.Port, $"r{round}c{c}", answered, stopLoad.Token)).ToList();
            // Warmed up (every client answered at least once), then killed at a random moment.
            var warm = answered.Count + Clients;
            while (answered.Count < warm && load.Any(l => !l.IsCompleted))
            {
                await Task.Delay(20, cancellationToken);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(100, 800)), cancellationToken);
            await KillNineAsync(gateway.Id, cancellationToken);
            await gateway.WaitForExitAsync(cancellationToken);
            await stopLoad.CancelAsync();
            var sent = (await Task.WhenAll(load)).Sum();
            Assert.That(sent, Is.GreaterThan(Clients), $"round {round}: the load ran before the kill; {gateway.Describe()}");

            using var output = new StringWriter();
            var verify = await AuditCommand.RunAsync(["verify", "--config", config.Path], output, output, cancellationToken);
            Assert.That(verify, Is.Zero, $"round {round}: {output}");
            Assert.That(output.ToString(), Does.Contain("checkpoints:").And.Not.Contain("not checked"));

            var records = await ReadFramesAsync(config.Path, cancellationToken);
            var executed = upstream.Connections.SelectMany(c => c.Lines).Where(l => l.IsRequest && l.Method == "tools/call").Select(l => l.RawId!).ToList();
            var missingRequests = executed.Where(id => !records.Contains(("client_to_upstream", id))).ToList();
            var missingResponses = answered.Where(id => !records.Contains(("upstream_to_client", id))).ToList();
            Assert.Multiple(() =>
            {
                Assert.That(executed, Is.Not.Empty);
                Assert.That(missingRequests, Is.Empty, $"round {round}: executed by the upstream without a record");
                Assert.That(missingResponses, Is.Empty, $"round {round}: delivered to a client without a record");
            });
        }
    }

    private async Task<(string Path, int Port)> WriteConfigAsync(JsonObject store, int upstreamPort, CancellationToken cancellationToken)
    {
        var port = FreePort();
        var audit = (JsonObject)store.DeepClone();
        audit["signingKeyFile"] = "key.pem";
        audit["checkpointInterval"] = "00:00:00.100";
        var path = Path.Combine(_directory, "gateway.json");
        await File.WriteAllTextAsync(path, new JsonObject
        {
            ["listen"] = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}"),
            ["auth"] = new JsonObject { ["mode"] = "none" },
            ["connections"] = new JsonObject
            {
                ["spy"] = new JsonObject { ["transport"] = "tcp", ["host"] = "127.0.0.1", ["port"] = upstreamPort },
            },
            ["audit"] = audit,
        }.ToJsonString(), cancellationToken);
        return (path, port);
    }

    /// <summary>One client calling as fast as it is answered until the gateway dies; returns how many calls it sent.</summary>
    private static async Task<int> DriveAsync(int port, string prefix, ConcurrentBag<string> answered, CancellationToken cancellationToken)
    {
        var sent = 0;
        try
        {
            await using var client = await RawMcpClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
            await client.AuthenticateAsync(null, cancellationToken);
            await client.InitializeAsync(cancellationToken);
            for (var n = 0; ; n++)
            {
                var id = $"{prefix}-{n}";
                sent++;
                var response = await client.RequestAsync(id, "tools/call", new JsonObject { ["name"] = "work", ["arguments"] = new JsonObject { ["n"] = n } }, cancellationToken);
                if (response["result"] is not null)
                {
                    answered.Add($"\"{id}\"");
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or EndOfStreamException or OperationCanceledException)
        {
            // The gateway was killed.
        }

        return sent;
    }

    /// <summary>The (direction, JSON id) of every frame record in the store the configuration names (with PostgreSQL, in every log: each round's instance listens on another port, so writes another).</summary>
    private static async Task<HashSet<(string?, string?)>> ReadFramesAsync(string config, CancellationToken cancellationToken)
    {
        var settings = GatewayConfiguration.LoadFile(config).Audit!;
        var logs = settings.PostgresConnectionString is { } connectionString ? await PostgresAuditLogs.ListAsync(connectionString, cancellationToken) : [settings.LogId];
        var frames = new HashSet<(string?, string?)>();
        foreach (var log in logs)
        {
            var store = AuditStores.Create(settings with { LogId = log }, TimeProvider.System, NullLogger.Instance);
            await using (store as IAsyncDisposable)
            {
                await foreach (var stored in store.ReadAsync(1, cancellationToken))
                {
                    if (stored.Record.Kind == AuditEventKind.Frame)
                    {
                        frames.Add((stored.Record.Direction, stored.Record.RpcId));
                    }
                }
            }
        }

        NpgsqlConnection.ClearAllPools();
        return frames;
    }

    private static async Task KillNineAsync(int pid, CancellationToken cancellationToken)
    {
        using var kill = Process.Start(new ProcessStartInfo("/bin/kill", ["-KILL", pid.ToString(CultureInfo.InvariantCulture)]))!;
        await kill.WaitForExitAsync(cancellationToken);
        Assert.That(kill.ExitCode, Is.Zero, "kill -9");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
