using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.Protocol;

/// <summary><c>mcpgw</c> as an operator runs it: <c>dotnet mcpgw.dll serve|demo</c> in its own process.</summary>
[TestFixture]
internal sealed class CliProcessTests
{
    private static readonly TimeSpan _startTimeout = TimeSpan.FromSeconds(20);

    private string _directory = null!;

    [OneTimeSetUp]
    public void CreateDirectory()
    {
        NodePeers.EnsureInstalled();
        _directory = Directory.CreateTempSubdirectory("mcpgw-cli-").FullName;
    }

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    [CancelAfter(30000)]
    public async Task Serve_ValidConfig_ListensAndRelaysEcho(CancellationToken cancellationToken)
    {
        var port = FreePort();
        var config = WriteConfig("serve.json", new JsonObject
        {
            ["listen"] = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}"),
            ["auth"] = new JsonObject { ["mode"] = "none" },
            ["connections"] = new JsonObject
            {
                ["everything"] = new JsonObject
                {
                    ["transport"] = "stdio",
                    ["command"] = "node",
                    ["args"] = new JsonArray(RepoPaths.ServerEverythingJs, "stdio"),
                },
            },
        });
        await using var gateway = StartMcpgw("serve", "--config", config);

        var listening = await gateway.WaitForLineAsync(line => line.Contains("Gateway listening on", StringComparison.Ordinal), _startTimeout, cancellationToken);
        await using var client = await RawMcpClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
        var auth = await client.AuthenticateAsync("everything", cancellationToken);
        await client.InitializeAsync(cancellationToken);
        var echo = await client.RequestAsync(1, "tools/call", new JsonObject
        {
            ["name"] = "echo",
            ["arguments"] = new JsonObject { ["message"] = "through the mcpgw process" },
        }, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(listening, Does.Contain(string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}")));
            Assert.That(auth["result"]?["subject"], Is.Not.Null, auth.ToJsonString());
            Assert.That(echo["result"]?["content"]?[0]?["text"]?.GetValue<string>(), Is.EqualTo("Echo: through the mcpgw process"));
            Assert.That(gateway.HasExited, Is.False);
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Serve_InvalidConfig_ExitsOneListingEveryError(CancellationToken cancellationToken)
    {
        var config = WriteConfig("invalid.json", new JsonObject
        {
            ["listen"] = "not-an-endpoint",
            ["auth"] = new JsonObject { ["mode"] = "okta" },
            ["connections"] = new JsonObject
            {
                ["pigeon"] = new JsonObject { ["transport"] = "carrier-pigeon" },
            },
        });
        await using var gateway = StartMcpgw("serve", "--config", config);

        await gateway.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(gateway.ExitCode, Is.EqualTo(1), gateway.Describe());
            Assert.That(gateway.StandardError, Does.Contain("is invalid, the gateway did not start"));
            Assert.That(gateway.StandardError, Does.Contain("listen: 'not-an-endpoint'"));
            Assert.That(gateway.StandardError, Does.Contain("auth.mode: 'okta' is not supported"));
            Assert.That(gateway.StandardError, Does.Contain("connections.pigeon.transport: 'carrier-pigeon'"));
            Assert.That(gateway.OutputLines, Has.None.Contains("Gateway listening on"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Demo_WithInstalledPeers_ExitsZeroAfterEchoAnApprovedHeldCallAMaskedSecretAndAVerifiedStore(CancellationToken cancellationToken)
    {
        await using var demo = StartMcpgw("demo");

        await demo.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(demo.ExitCode, Is.Zero, demo.Describe());
            Assert.That(demo.OutputLines, Has.Some.Contains("Echo: hello through McpGateway"));
            Assert.That(demo.OutputLines, Has.Some.Match("held by rule sums-need-approval: approval [0-9a-f]{32} waits"));
            Assert.That(demo.OutputLines, Has.Some.Match("^     approval [0-9a-f]{32}: approved$"), "approved through mcpgw approvals approve");
            Assert.That(demo.OutputLines, Has.Some.Contains("The sum of 2 and 40 is 42."), "the held call completed after the approval");
            Assert.That(demo.OutputLines, Has.Some.EqualTo("     <- Echo: deploy with [MASKED:aws_access_key:1]"), "the echoed secret is masked");
            Assert.That(demo.OutputLines, Has.Some.Match("^  [0-9]+ records; records holding the access key id in clear: 0$"));
            Assert.That(demo.OutputLines, Has.Some.Match("^  mcpgw audit verify: audit store .*: [0-9]+ records, head [0-9]+ [0-9a-f]{64}: intact$"));
            Assert.That(demo.OutputLines, Has.Some.Match("^  mcpgw audit verify: checkpoints: [1-9][0-9]* checked"), "the demo's store is signed");
        });
    }

    private static ChildProcess StartMcpgw(params string[] arguments)
    {
        Assert.That(BuildOutputs.GatewayHostDll, Does.Exist);
        return ChildProcess.Start("dotnet", [BuildOutputs.GatewayHostDll, .. arguments]);
    }

    private string WriteConfig(string name, JsonObject config)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
