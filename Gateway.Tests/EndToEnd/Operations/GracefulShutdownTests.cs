using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using McpGateway.Tests.EndToEnd.Protocol;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.Operations;

/// <summary><c>mcpgw serve</c> as a process, stopped with SIGTERM while a call is in flight.</summary>
[TestFixture]
internal sealed class GracefulShutdownTests
{
    private string _directory = null!;

    [OneTimeSetUp]
    public void CreateDirectory()
    {
        NodePeers.EnsureInstalled();
        _directory = Directory.CreateTempSubdirectory("mcpgw-drain-").FullName;
    }

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    [CancelAfter(45000)]
    public async Task Sigterm_WithACallInFlight_CallCompletesNewConnectionsRefusedAndExitZero(CancellationToken cancellationToken)
    {
        var port = FreePort();
        var config = Path.Combine(_directory, "drain.json");
        await File.WriteAllTextAsync(config, new JsonObject
        {
            ["listen"] = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}"),
            ["auth"] = new JsonObject { ["mode"] = "none" },
            ["shutdownTimeout"] = "00:00:10",
            ["connections"] = new JsonObject
            {
                ["everything"] = new JsonObject
                {
                    ["transport"] = "stdio",
                    ["command"] = "node",
                    ["args"] = new JsonArray(RepoPaths.ServerEverythingJs, "stdio"),
                },
            },
        }.ToJsonString(), cancellationToken);
        await using var gateway = ChildProcess.Start("dotnet", [BuildOutputs.GatewayHostDll, "serve", "--config", config]);
        await gateway.WaitForLineAsync(line => line.Contains("Gateway listening on", StringComparison.Ordinal), TimeSpan.FromSeconds(20), cancellationToken);
        var endpoint = new IPEndPoint(IPAddress.Loopback, port);
        await using var client = await RawMcpClient.ConnectAsync(endpoint, cancellationToken);
        await client.AuthenticateAsync("everything", cancellationToken);
        await client.InitializeAsync(cancellationToken);

        await client.SendAsync(new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = 7,
            ["method"] = "tools/call",
            ["params"] = new JsonObject
            {
                ["name"] = "trigger-long-running-operation",
                ["arguments"] = new JsonObject { ["duration"] = 2, ["steps"] = 2 },
            },
        }, cancellationToken);
        await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
        var stopwatch = Stopwatch.StartNew();
        await SignalAsync(gateway.Id, cancellationToken);
        await gateway.WaitForLineAsync(line => line.Contains("Shutting down", StringComparison.Ordinal), TimeSpan.FromSeconds(5), cancellationToken);
        var newConnectionRefused = await IsRefusedAsync(endpoint, cancellationToken);
        var refusedRequest = await client.RequestAsync(8, "ping", null, cancellationToken);
        var result = await client.ReadResponseAsync(7, cancellationToken);
        var clientClosed = await client.IsClosedByGatewayAsync(cancellationToken);
        await gateway.WaitForExitAsync(cancellationToken);
        stopwatch.Stop();

        Assert.Multiple(() =>
        {
            Assert.That(result["result"]?["content"]?[0]?["text"]?.GetValue<string>(), Does.StartWith("Long running operation completed."), result.ToJsonString());
            Assert.That(newConnectionRefused, Is.True, "a connection made while draining is closed at once");
            Assert.That((int?)refusedRequest["error"]?["code"], Is.EqualTo(-31007), refusedRequest.ToJsonString());
            Assert.That((string?)refusedRequest["error"]?["data"]?["reason"], Is.EqualTo("gateway_shutting_down"));
            Assert.That(clientClosed, Is.True, "the session closes once its calls are answered");
            Assert.That(gateway.ExitCode, Is.Zero, gateway.Describe());
            Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "well within the shutdown deadline");
        });
    }

    private static async Task SignalAsync(int pid, CancellationToken cancellationToken)
    {
        using var kill = Process.Start(new ProcessStartInfo("/bin/kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]))!;
        await kill.WaitForExitAsync(cancellationToken);
        Assert.That(kill.ExitCode, Is.Zero, "kill -TERM");
    }

    /// <summary>True when the gateway closes a new connection without a word, or does not accept it at all.</summary>
    private static async Task<bool> IsRefusedAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        RawMcpClient client;
        try
        {
            client = await RawMcpClient.ConnectAsync(endpoint, cancellationToken);
        }
        catch (SocketException)
        {
            return true;
        }

        await using (client)
        {
            try
            {
                await client.SendAsync("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"mcpgateway/authenticate\",\"params\":{\"token\":\"t\"}}", cancellationToken);
                return await client.ReadLineAsync(cancellationToken) is null;
            }
            catch (IOException)
            {
                return true;
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
