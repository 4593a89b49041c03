using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using McpGateway.Core.Identity;
using McpGateway.Tests.EndToEnd.Protocol;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Tests.Bridge;

/// <summary>
/// <c>mcpgw bridge</c> as a real process launched by the official C# SDK's stdio transport, in front of a real
/// gateway and server-everything, with the token-file and token-command sources.
/// </summary>
[TestFixture]
internal sealed class BridgeEndToEndTests
{
    private readonly RecordingAuthenticator _authenticator = new(TimeSpan.FromHours(1));
    private GatewayHarness _gateway = null!;
    private string _directory = null!;

    [OneTimeSetUp]
    public async Task StartGateway()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _directory = Directory.CreateTempSubdirectory("mcpgw-bridge-").FullName;
        _gateway = await GatewayHarness.StartAsync(
            GatewayHarness.Settings(GatewayHarness.Everything()),
            timeout.Token,
            services => services.AddSingleton<IGatewayAuthenticator>(_authenticator));
    }

    [OneTimeTearDown]
    public async Task StopGateway()
    {
        await _gateway.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    private string GatewayAddress => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{_gateway.Endpoint.Port}");

    private string WriteFile(string name, string content)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Test]
    [CancelAfter(30000)]
    public async Task SdkClient_TokenFile_CallsEchoThroughBridgeAndGateway(CancellationToken cancellationToken)
    {
        var tokenFile = WriteFile("token-file", "file-token-1\n");
        var stderr = new ConcurrentQueue<string>();

        await using var client = await BridgeLauncher.ConnectSdkClientAsync(["--gateway", GatewayAddress, "--connection", "everything", "--token-file", tokenFile], stderr, cancellationToken);
        var echo = await BridgeLauncher.EchoAsync(client, "through the bridge", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(echo, Is.EqualTo("Echo: through the bridge"));
            Assert.That(client.ServerInfo?.Name, Is.EqualTo("mcp-servers/everything"));
            Assert.That(_authenticator.Tokens, Does.Contain("file-token-1"));
            Assert.That(stderr, Has.Some.Contains("Authenticated as bridge-agent on connection everything"));
            Assert.That(string.Join("\n", stderr), Does.Not.Contain("file-token-1"), "the token is never logged");
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task SdkClient_TokenCommand_UsesTheCommandsOutput(CancellationToken cancellationToken)
    {
        var stderr = new ConcurrentQueue<string>();

        await using var client = await BridgeLauncher.ConnectSdkClientAsync(
            ["--gateway", GatewayAddress, "--connection", "everything", "--token-command", "printf '%s-%s\\n' command token; echo 'for stderr' >&2"], stderr, cancellationToken);
        var echo = await BridgeLauncher.EchoAsync(client, "token from a command", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(echo, Is.EqualTo("Echo: token from a command"));
            Assert.That(_authenticator.Tokens, Does.Contain("command-token"));
            Assert.That(stderr, Does.Contain("for stderr"), "the command's stderr goes to the bridge's");
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task TypeScriptSdkClient_StdioTransport_CallsEchoThroughBridge(CancellationToken cancellationToken)
    {
        var tokenFile = WriteFile("token-ts", "ts-token");
        await using var client = ChildProcess.Start("node", [
            Path.Combine(RepoPaths.Peers, "ts-stdio-client.mjs"), "--message", "from TypeScript", "--",
            "dotnet", BuildOutputs.GatewayHostDll, "bridge", "--gateway", GatewayAddress, "--connection", "everything", "--token-file", tokenFile]);

        await client.WaitForExitAsync(cancellationToken);
        var result = JsonNode.Parse(client.OutputLines[^1])!;

        Assert.Multiple(() =>
        {
            Assert.That(client.ExitCode, Is.Zero, client.Describe());
            Assert.That(result["text"]?.GetValue<string>(), Is.EqualTo("Echo: from TypeScript"));
            Assert.That(result["serverName"]?.GetValue<string>(), Is.EqualTo("mcp-servers/everything"));
            Assert.That(_authenticator.Tokens, Does.Contain("ts-token"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Bridge_UnknownConnection_ExitsThreeWithTheReasonOnStderr(CancellationToken cancellationToken)
    {
        var tokenFile = WriteFile("token-unknown", "t");
        await using var bridge = BridgeLauncher.Start(null, "--gateway", GatewayAddress, "--connection", "nonexistent", "--token-file", tokenFile);

        await bridge.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(bridge.ExitCode, Is.EqualTo(3), bridge.Describe());
            Assert.That(bridge.StandardError, Does.Contain("the gateway refused authentication for connection 'nonexistent': -31001 unknown_connection"));
            Assert.That(bridge.OutputLines, Is.Empty, "nothing reaches the client's stdout");
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Bridge_TokenCommandFails_ExitsThreeWithoutDialingOut(CancellationToken cancellationToken)
    {
        var before = _authenticator.Tokens.Count;
        await using var bridge = BridgeLauncher.Start(null, "--gateway", GatewayAddress, "--connection", "everything", "--token-command", "exit 7");

        await bridge.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(bridge.ExitCode, Is.EqualTo(3), bridge.Describe());
            Assert.That(bridge.StandardError, Does.Contain("no token to authenticate with: the token command exited with code 7"));
            Assert.That(_authenticator.Tokens, Has.Count.EqualTo(before));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Bridge_GatewayNotListening_ExitsFour(CancellationToken cancellationToken)
    {
        await using var bridge = BridgeLauncher.Start(null, "--gateway", "127.0.0.1:1", "--connection", "everything", "--token-command", "echo t");

        await bridge.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(bridge.ExitCode, Is.EqualTo(4), bridge.Describe());
            Assert.That(bridge.StandardError, Does.Contain("cannot connect to the gateway at 127.0.0.1:1"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Bridge_SecretOnCommandLine_ExitsTwo(CancellationToken cancellationToken)
    {
        await using var bridge = BridgeLauncher.Start(null, "--gateway", GatewayAddress, "--connection", "everything", "--issuer", "http://127.0.0.1:9", "--client-id", "a", "--client-secret", "hunter2");

        await bridge.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(bridge.ExitCode, Is.EqualTo(2), bridge.Describe());
            Assert.That(bridge.StandardError, Does.Contain("never taken from the command line"));
            Assert.That(bridge.StandardError, Does.Not.Contain("hunter2"));
        });
    }
}
