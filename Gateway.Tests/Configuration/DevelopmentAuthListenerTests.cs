using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Host.Commands;
using McpGateway.Tests.EndToEnd.Protocol;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.Configuration;

/// <summary>
/// <c>auth.mode: none</c> accepts any token, so it is refused on every listener that is not loopback (the MCP listener,
/// the HTTP front door, the admin API), by <c>mcpgw config check</c> and by <c>mcpgw serve</c>, which then never listens.
/// </summary>
[TestFixture]
internal sealed class DevelopmentAuthListenerTests
{
    private string _directory = null!;

    [OneTimeSetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mcpgw-devauth-").FullName;

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [TestCase("0.0.0.0:7400")]
    [TestCase("[::]:7400")]
    [TestCase("192.168.1.20:7400")]
    [TestCase("[::ffff:10.0.0.1]:7400")]
    public void ConfigCheck_AuthNoneOnNonLoopbackListen_ExitsOneNamingListen(string listen)
    {
        var path = Write("listen.json", Config(listen));

        var (exit, output, error) = Run(path);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(ConfigCheckCommand.Invalid), output);
            Assert.That(error, Does.Contain($"  listen: '{listen}' is not a loopback address; auth mode none"));
            Assert.That(output, Is.Empty);
        });
    }

    [Test]
    public void ConfigCheck_AuthNoneOnRemoteAdminListener_ExitsOneNamingAdminListen()
    {
        var config = Config("127.0.0.1:7400");
        config["admin"] = new JsonObject { ["listen"] = "0.0.0.0:7401", ["allowRemote"] = true };
        var path = Write("admin.json", config);

        var (exit, _, error) = Run(path);

        Assert.That(exit, Is.EqualTo(ConfigCheckCommand.Invalid));
        Assert.That(error, Does.Contain("  admin.listen: '0.0.0.0:7401' is not a loopback address; auth mode none"));
    }

    [Test]
    public void ConfigCheck_AuthNoneOnRemoteFrontDoor_ExitsOneNamingHttpListen()
    {
        var config = Config("127.0.0.1:7400");
        config["http"] = new JsonObject { ["listen"] = "0.0.0.0:7402", ["allowRemote"] = true };
        var path = Write("http.json", config);

        var (exit, _, error) = Run(path);

        Assert.That(exit, Is.EqualTo(ConfigCheckCommand.Invalid));
        Assert.That(error, Does.Contain("  http.listen: '0.0.0.0:7402' is not a loopback address; auth mode none"));
    }

    [TestCase("127.0.0.1:7400")]
    [TestCase("127.0.0.2:7400")]
    [TestCase("[::1]:7400")]
    [TestCase("[::ffff:127.0.0.1]:7400")]
    public void ConfigCheck_AuthNoneOnLoopback_Valid(string listen)
    {
        var config = Config(listen);
        config["admin"] = new JsonObject { ["listen"] = "127.0.0.1:7401" };
        var path = Write("loopback.json", config);

        var (exit, _, error) = Run(path);

        Assert.That(exit, Is.Zero, error);
    }

    [Test]
    public void ConfigCheck_LocalhostByName_ValidAsTheLoopbackAddress()
    {
        var path = Write("localhost.json", Config("localhost:7400"));

        var (exit, output, error) = Run(path);

        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.Contain("listen 127.0.0.1:7400"));
    }

    [Test]
    public void ConfigCheck_HostWithASpace_RefusedAsNotAHostAndPort()
    {
        var path = Write("space.json", Config("local host:7400"));

        var (exit, _, error) = Run(path);

        Assert.That(exit, Is.EqualTo(ConfigCheckCommand.Invalid));
        Assert.That(error, Does.Contain("  listen: 'local host:7400' is not a host and port"));
    }

    [Test]
    public void ConfigCheck_OidcOnAnyInterface_NotRefusedByTheLoopbackRule()
    {
        var config = Config("0.0.0.0:7400");
        config["auth"] = new JsonObject { ["mode"] = "oidc", ["issuer"] = "https://example.okta.com/oauth2/default", ["audience"] = "api://mcp-gateway" };
        var path = Write("oidc.json", config);

        var (exit, _, error) = Run(path);

        Assert.That(exit, Is.Zero, error);
    }

    [TestCase("127.0.0.1", true)]
    [TestCase("127.255.255.254", true)]
    [TestCase("::1", true)]
    [TestCase("::ffff:127.0.0.1", true)]
    [TestCase("0.0.0.0", false)]
    [TestCase("::", false)]
    [TestCase("10.1.2.3", false)]
    [TestCase("::ffff:10.1.2.3", false)]
    [TestCase("fe80::1", false)]
    public void IsLoopback_Address_OnlyLoopbackRanges(string address, bool expected) =>
        Assert.That(DevelopmentAuthListeners.IsLoopback(IPAddress.Parse(address)), Is.EqualTo(expected));

    [Test]
    [CancelAfter(30000)]
    public async Task Serve_AuthNoneOnAnyInterface_RefusesToStartAndNeverListens(CancellationToken cancellationToken)
    {
        var port = FreePort();
        var path = Write("serve.json", Config(string.Create(CultureInfo.InvariantCulture, $"0.0.0.0:{port}")));
        Assert.That(BuildOutputs.GatewayHostDll, Does.Exist);
        await using var gateway = ChildProcess.Start("dotnet", [BuildOutputs.GatewayHostDll, "serve", "--config", path]);

        await gateway.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(gateway.ExitCode, Is.EqualTo(1), gateway.Describe());
            Assert.That(gateway.StandardError, Does.Contain("is invalid, the gateway did not start"));
            Assert.That(gateway.StandardError, Does.Contain(string.Create(CultureInfo.InvariantCulture, $"listen: '0.0.0.0:{port}' is not a loopback address; auth mode none")));
            Assert.That(gateway.OutputLines, Has.None.Contains("Gateway listening on"));
        });
    }

    /// <summary>A file that is valid but for the listener: plaintext allowed explicitly, so only the loopback rule can refuse it.</summary>
    private static JsonObject Config(string listen) => new()
    {
        ["listen"] = listen,
        ["allowPlaintext"] = true,
        ["auth"] = new JsonObject { ["mode"] = "none" },
        ["connections"] = new JsonObject { ["everything"] = new JsonObject { ["transport"] = "stdio", ["command"] = "node" } },
    };

    private static (int Exit, string Output, string Error) Run(string path)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = ConfigCheckCommand.Run([path], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private string Write(string name, JsonObject json)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + "-" + name);
        File.WriteAllText(path, json.ToJsonString());
        return path;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
