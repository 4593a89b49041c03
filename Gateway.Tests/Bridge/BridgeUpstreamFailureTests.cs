using System.Globalization;
using System.Net;
using System.Net.Sockets;
using McpGateway.Core.Configuration;
using McpGateway.Core.Identity;
using McpGateway.Host.Bridge;
using McpGateway.Tests.EndToEnd.Support;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Tests.Bridge;

/// <summary>
/// <c>mcpgw bridge</c> in front of a gateway whose upstream cannot be reached (a TCP server that is down, a stdio server
/// that exits at once): the bridge says the server is the problem, never that the token was refused.
/// </summary>
[TestFixture]
internal sealed class BridgeUpstreamFailureTests
{
    private readonly RecordingAuthenticator _authenticator = new(TimeSpan.FromHours(1));
    private GatewayHarness _gateway = null!;

    private string GatewayAddress => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{_gateway.Endpoint.Port}");

    [OneTimeSetUp]
    public async Task StartGateway()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var downPort = ClosedPort();
        _gateway = await GatewayHarness.StartAsync(
            GatewayHarness.Settings(
                GatewayHarness.Tcp("down", downPort) with { ConnectRetries = 0 },
                new StdioConnectionSettings { Name = "crashing", Command = "node", Args = ["-e", "console.error('FATAL: missing DATABASE_URL'); process.exit(1)"] }),
            timeout.Token,
            services => services.AddSingleton<IGatewayAuthenticator>(_authenticator));
    }

    [OneTimeTearDown]
    public async Task StopGateway() => await _gateway.DisposeAsync();

    [Test]
    [CancelAfter(30000)]
    public async Task Bridge_TcpUpstreamDown_ExitsFiveNamingTheServerNotTheToken(CancellationToken cancellationToken)
    {
        const string connection = "down";
        await using var bridge = BridgeLauncher.Start(null, "--gateway", GatewayAddress, "--connection", connection, "--token-command", "echo t");

        await bridge.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(bridge.ExitCode, Is.EqualTo(BridgeExitCodes.UpstreamUnavailable), bridge.Describe());
            Assert.That(bridge.StandardError, Does.Contain($"the gateway accepted the token but cannot reach the MCP server of connection '{connection}': -31007"));
            Assert.That(bridge.StandardError, Does.Not.Contain("refused authentication"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Bridge_StdioUpstreamExitsAfterStarting_ExitsOneAsTheGatewayClosedNotAsRefused(CancellationToken cancellationToken)
    {
        // The server started (so authentication succeeded) and then exited: the gateway ends the session.
        await using var bridge = BridgeLauncher.Start(null, "--gateway", GatewayAddress, "--connection", "crashing", "--token-command", "echo t");

        await bridge.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(bridge.ExitCode, Is.EqualTo(BridgeExitCodes.GatewayClosed), bridge.Describe());
            Assert.That(bridge.StandardError, Does.Contain("Authenticated as bridge-agent on connection crashing"));
            Assert.That(bridge.StandardError, Does.Not.Contain("refused authentication"));
        });
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
