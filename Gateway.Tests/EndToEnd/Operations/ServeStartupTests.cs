using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using McpGateway.Host.Commands;
using McpGateway.Tests.EndToEnd.Protocol;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using McpGateway.Tests.Install;

namespace McpGateway.Tests.EndToEnd.Operations;

/// <summary>
/// <c>mcpgw serve</c> as an operator starts it, in its own process: what goes wrong before it listens is one line and an
/// exit code a service manager can act on, never a stack trace; relative paths and host names mean what they say.
/// </summary>
[TestFixture]
internal sealed class ServeStartupTests
{
    private string _directory = null!;

    [OneTimeSetUp]
    public void CreateDirectory()
    {
        NodePeers.EnsureInstalled();
        _directory = Directory.CreateTempSubdirectory("mcpgw-serve-").FullName;
    }

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    [CancelAfter(30000)]
    public async Task Serve_PortTakenByAnotherProcess_OneLineAndExitCodeAddressInUse(CancellationToken cancellationToken)
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var port = ((IPEndPoint)other.LocalEndpoint).Port;
        var config = Write("taken.json", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}"), "node", RepoPaths.ServerEverythingJs);
        await using var gateway = Mcpgw(["serve", "--config", config]);

        await gateway.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(gateway.ExitCode, Is.EqualTo(ServeExitCodes.AddressInUse), gateway.Describe());
            Assert.That(gateway.StandardError.Trim(), Is.EqualTo(
                string.Create(CultureInfo.InvariantCulture, $"mcpgw: listen: 127.0.0.1:{port} is already in use by another process; the gateway did not start")));
            Assert.That(gateway.OutputLines, Has.None.Contains("Exception"), "no stack trace in the log either");
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Serve_StdioCommandDoesNotExist_OneLineNamingItAndExitCodeInvalidConfiguration(CancellationToken cancellationToken)
    {
        var config = Write("no-command.json", "127.0.0.1:0", "mcpgw-no-such-server", "stdio");
        await using var gateway = Mcpgw(["serve", "--config", config]);

        await gateway.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(gateway.ExitCode, Is.EqualTo(ServeExitCodes.InvalidConfiguration), gateway.Describe());
            Assert.That(gateway.StandardError, Does.Contain("  connections.everything.command: 'mcpgw-no-such-server' was not found on PATH"));
            Assert.That(gateway.StandardError + string.Join('\n', gateway.OutputLines), Does.Not.Contain("Exception"));
            Assert.That(gateway.OutputLines, Has.None.Contains("Gateway listening on"));
        });
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Serve_RelativeServerPathAndLocalhost_WorkFromAnotherCurrentFolder(CancellationToken cancellationToken)
    {
        // As samples/configs/minimal-dev.json names its server: a path relative to the configuration file.
        var relative = Path.GetRelativePath(_directory, RepoPaths.ServerEverythingJs);
        Assert.That(relative, Does.StartWith("../"));
        var config = Write("relative.json", "localhost:0", "node", relative);
        await using var gateway = Mcpgw(["serve", "--config", config], workingDirectory: "/");

        var port = await InstalledGateway.WaitUntilListeningAsync(gateway, cancellationToken);
        var echoed = await InstalledGateway.EchoAsync(port, "from another folder", cancellationToken);

        Assert.That(echoed, Is.EqualTo("Echo: from another folder"), gateway.Describe());
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Serve_UpstreamExitsAtStart_ItsStderrIsLoggedAtInformation(CancellationToken cancellationToken)
    {
        var config = Write("fatal.json", "127.0.0.1:0", "node", "-e");
        var file = JsonNode.Parse(File.ReadAllText(config))!;
        file["connections"]!["everything"]!["args"] = new JsonArray("-e", "console.error('FATAL: missing DATABASE_URL'); process.exit(1)");
        File.WriteAllText(config, file.ToJsonString());
        await using var gateway = Mcpgw(["serve", "--config", config]);
        var port = await InstalledGateway.WaitUntilListeningAsync(gateway, cancellationToken);

        await using var client = await RawMcpClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
        await client.AuthenticateAsync("everything", cancellationToken);
        await client.SendAsync(new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = 1,
            ["method"] = "initialize",
            ["params"] = new JsonObject { ["protocolVersion"] = "2025-06-18", ["capabilities"] = new JsonObject(), ["clientInfo"] = new JsonObject { ["name"] = "t", ["version"] = "1" } },
        }, cancellationToken);
        var logged = await gateway.WaitForLineAsync(l => l.Contains("FATAL: missing DATABASE_URL", StringComparison.Ordinal), TimeSpan.FromSeconds(30), cancellationToken);

        Assert.That(logged, Does.StartWith("info: ").And.Contain("Upstream everything stderr: FATAL: missing DATABASE_URL"));
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Serve_TcpUpstreamDown_ClientGetsUpstreamUnavailableAndTheLogOneLineWithTheReason(CancellationToken cancellationToken)
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var downPort = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var config = Path.Combine(_directory, "tcp-down.json");
        File.WriteAllText(config, new JsonObject
        {
            ["listen"] = "127.0.0.1:0",
            ["auth"] = new JsonObject { ["mode"] = "none" },
            ["connections"] = new JsonObject
            {
                ["down"] = new JsonObject { ["transport"] = "tcp", ["host"] = "127.0.0.1", ["port"] = downPort, ["connectRetries"] = 0 },
            },
        }.ToJsonString());
        await using var gateway = Mcpgw(["serve", "--config", config]);
        var port = await InstalledGateway.WaitUntilListeningAsync(gateway, cancellationToken);

        await using var client = await RawMcpClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
        var answer = await client.AuthenticateAsync("down", cancellationToken);
        var logged = await gateway.WaitForLineAsync(l => l.Contains("upstream down unavailable", StringComparison.Ordinal), TimeSpan.FromSeconds(30), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(answer["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-31007), answer.ToJsonString());
            Assert.That(logged, Does.Contain("upstream down unavailable: upstream 'down' is unavailable: Connection refused"));
            Assert.That(string.Join('\n', gateway.OutputLines), Does.Not.Contain("Exception").And.Not.Contain("   at "), "no stack trace");
        });
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Serve_JsonLogFormat_EveryLineHasATimestampAndReadableText(CancellationToken cancellationToken)
    {
        var config = Write("json-log.json", "127.0.0.1:0", "node", RepoPaths.ServerEverythingJs);
        var file = JsonNode.Parse(File.ReadAllText(config))!;
        file["logging"] = new JsonObject { ["format"] = "json" };
        File.WriteAllText(config, file.ToJsonString());
        await using var gateway = Mcpgw(["serve", "--config", config]);

        await gateway.WaitForLineAsync(l => l.Contains("Gateway listening on", StringComparison.Ordinal), TimeSpan.FromSeconds(30), cancellationToken);

        var lines = gateway.OutputLines;
        var chain = lines.Single(l => l.Contains("Inspector chain", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(lines.Select(l => JsonNode.Parse(l)!["Timestamp"]?.GetValue<string>()), Has.All.Match(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"));
            Assert.That(chain, Does.Contain("client->upstream").And.Not.Contain("\\u003E"));
        });
    }

    private static ChildProcess Mcpgw(string[] arguments, string? workingDirectory = null)
    {
        Assert.That(BuildOutputs.GatewayHostDll, Does.Exist);
        return ChildProcess.Start("dotnet", [BuildOutputs.GatewayHostDll, .. arguments], workingDirectory: workingDirectory);
    }

    private string Write(string name, string listen, string command, string argument)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, new JsonObject
        {
            ["listen"] = listen,
            ["auth"] = new JsonObject { ["mode"] = "none" },
            ["connections"] = new JsonObject
            {
                ["everything"] = new JsonObject
                {
                    ["transport"] = "stdio",
                    ["command"] = command,
                    ["args"] = new JsonArray(argument, "stdio"),
                },
            },
        }.ToJsonString());
        return path;
    }
}
