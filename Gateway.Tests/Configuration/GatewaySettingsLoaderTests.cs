using McpGateway.Core.Configuration;
using McpGateway.Inspectors;

namespace McpGateway.Tests.Configuration;

[TestFixture]
public sealed class GatewaySettingsLoaderTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("mcpgw-config-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(_dir, "gateway.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Test]
    public void LoadFile_ValidFile_ProducesSnapshot()
    {
        File.WriteAllText(Path.Combine(_dir, "api-key"), "s3cret\n");
        var path = Write("""
            {
              "listen": "127.0.0.1:7400",
              "auth": { "mode": "none" },
              "limits": { "maxFrameBytes": 65536, "maxDepth": 32, "preAuthTimeout": "00:00:05" },
              "inspectors": [ "a", "b" ],
              "allowedMethods": [ "vendor/ping" ],
              "connections": {
                "files": { "transport": "stdio", "command": "node", "args": [ "server.js", "stdio" ],
                           "env": { "API_KEY": { "fromFile": "api-key" }, "MODE": { "value": "demo" } } },
                "remote": { "transport": "tcp", "host": "127.0.0.1", "port": 3920, "requestTimeout": "00:00:30" }
              }
            }
            """);

        var settings = GatewayConfiguration.LoadFile(path);

        Assert.That(settings.Endpoint.ToString(), Is.EqualTo("127.0.0.1:7400"));
        Assert.That(settings.ClientLimits.MaxFrameBytes, Is.EqualTo(65536));
        Assert.That(settings.ClientLimits.MaxDepth, Is.EqualTo(32));
        Assert.That(settings.PreAuthTimeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(settings.Inspectors, Is.EqualTo(new[] { "a", "b" }));
        Assert.That(settings.AllowedMethods, Does.Contain("vendor/ping"));
        var files = (StdioConnectionSettings)settings.Connections["files"];
        Assert.That(files.Args, Is.EqualTo(new[] { "server.js", "stdio" }));
        Assert.That(files.Environment["API_KEY"].Resolve(), Is.EqualTo("s3cret"));
        Assert.That(files.Environment["MODE"].Resolve(), Is.EqualTo("demo"));
        var remote = (TcpConnectionSettings)settings.Connections["remote"];
        Assert.That(remote.Port, Is.EqualTo(3920));
        Assert.That(remote.RequestTimeout, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(settings.SoleConnection, Is.Null);
    }

    [Test]
    public void LoadFile_ManyMistakes_ReportsEveryOneWithItsPath()
    {
        var path = Write("""
            {
              "listen": "localhost",
              "auth": { "mode": "magic" },
              "limits": { "maxFrameBytes": -1 },
              "plugins": [ "nope.dll" ],
              "connections": {
                "a": { "transport": "stdio" },
                "b": { "transport": "tcp", "host": "127.0.0.1" },
                "c": { "transport": "carrier-pigeon" },
                "d": { "transport": "stdio", "command": "x", "env": { "K": { "fromFile": "missing-secret" } } },
                "e": { "transport": "stdio", "command": "x", "env": { "K": { "value": "1", "fromEnv": "HOME" } } }
              }
            }
            """);

        var ex = Assert.Throws<InvalidConfigurationException>(() => GatewayConfiguration.LoadFile(path));

        Assert.That(ex!.Errors, Has.Some.StartsWith("listen:"));
        Assert.That(ex.Errors, Has.Some.StartsWith("auth.mode:"));
        Assert.That(ex.Errors, Has.Some.StartsWith("limits.maxFrameBytes:"));
        Assert.That(ex.Errors, Has.Some.StartsWith("plugins[0]:"));
        Assert.That(ex.Errors, Has.Some.StartsWith("connections.a.command:"));
        Assert.That(ex.Errors, Has.Some.StartsWith("connections.b.port:"));
        Assert.That(ex.Errors, Has.Some.StartsWith("connections.c.transport:"));
        Assert.That(ex.Errors, Has.Some.StartsWith("connections.d.env.K.fromFile:"));
        Assert.That(ex.Errors, Has.Some.StartsWith("connections.e.env.K:"));
        Assert.That(ex.Errors, Has.Count.EqualTo(9));
    }

    [Test]
    public void LoadFile_SecretFileError_NeverShowsTheSecret()
    {
        var path = Write("""
            { "listen": "127.0.0.1:1", "auth": { "mode": "none" },
              "connections": { "x": { "transport": "stdio", "command": "x", "env": { "K": { "fromEnv": "MCPGW_TEST_SURELY_UNSET_VARIABLE" } } } } }
            """);

        var ex = Assert.Throws<InvalidConfigurationException>(() => GatewayConfiguration.LoadFile(path));

        Assert.That(ex!.Errors, Is.EqualTo(new[] { "connections.x.env.K.fromEnv: environment variable 'MCPGW_TEST_SURELY_UNSET_VARIABLE' is not set" }));
    }

    [Test]
    public void LoadFile_MissingFile_SaysSo()
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() => GatewayConfiguration.LoadFile(Path.Combine(_dir, "absent.json")));

        Assert.That(ex!.Errors.Single(), Does.Contain("does not exist"));
    }

    [Test]
    public void LoadFile_MalformedJson_SaysSo()
    {
        var path = Write("{ \"listen\": ");

        Assert.That(() => GatewayConfiguration.LoadFile(path), Throws.TypeOf<InvalidConfigurationException>());
    }

    [Test]
    public void LoadFile_OneConnection_IsTheSoleConnection()
    {
        var path = Write("""{ "listen": "127.0.0.1:0", "auth": { "mode": "none" }, "connections": { "only": { "transport": "tcp", "host": "127.0.0.1", "port": 9 } } }""");

        Assert.That(GatewayConfiguration.LoadFile(path).SoleConnection?.Name, Is.EqualTo("only"));
    }
}
