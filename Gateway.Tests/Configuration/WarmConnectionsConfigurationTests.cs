using McpGateway.Core.Configuration;
using McpGateway.Host.Commands;
using McpGateway.Inspectors;

namespace McpGateway.Tests.Configuration;

/// <summary><c>connections.&lt;name&gt;.warmConnections</c>: tcp only, bounded per connection and in all, 0 when absent.</summary>
[TestFixture]
internal sealed class WarmConnectionsConfigurationTests
{
    private string _directory = null!;

    [OneTimeSetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mcpgw-warm-config-").FullName;

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void LoadFile_TcpWithAndWithoutWarmConnections_KeepsTheCountAndDefaultsToZero()
    {
        var path = Write("valid.json", """
            { "listen": "127.0.0.1:7400", "auth": { "mode": "none" },
              "connections": { "warm": { "transport": "tcp", "host": "127.0.0.1", "port": 7401, "warmConnections": 32 },
                               "cold": { "transport": "tcp", "host": "127.0.0.1", "port": 7402 } } }
            """);

        var connections = GatewayConfiguration.LoadFile(path).Connections;

        Assert.Multiple(() =>
        {
            Assert.That(((TcpConnectionSettings)connections["warm"]).WarmConnections, Is.EqualTo(32));
            Assert.That(((TcpConnectionSettings)connections["cold"]).WarmConnections, Is.Zero);
        });
    }

    [Test]
    public void LoadFile_WarmConnectionsMistakes_EachReportedWithItsPath()
    {
        var path = Write("broken.json", """
            { "listen": "127.0.0.1:7400", "auth": { "mode": "none" },
              "connections": {
                "spawned": { "transport": "stdio", "command": "node", "warmConnections": 2 },
                "remote": { "transport": "http", "url": "https://mcp.example.com/mcp", "warmConnections": 2 },
                "negative": { "transport": "tcp", "host": "127.0.0.1", "port": 7401, "warmConnections": -1 },
                "huge": { "transport": "tcp", "host": "127.0.0.1", "port": 7402, "warmConnections": 129 } } }
            """);

        var errors = Assert.Throws<InvalidConfigurationException>(() => GatewayConfiguration.LoadFile(path))!.Errors;

        Assert.Multiple(() =>
        {
            Assert.That(errors, Has.Some.StartsWith("connections.spawned.warmConnections: only a tcp connection keeps warm sockets"));
            Assert.That(errors, Has.Some.StartsWith("connections.remote.warmConnections: only a tcp connection keeps warm sockets"));
            Assert.That(errors, Has.Some.StartsWith("connections.negative.warmConnections: between 0 and 128"));
            Assert.That(errors, Has.Some.StartsWith("connections.huge.warmConnections: between 0 and 128"));
        });
    }

    [Test]
    public void LoadFile_WarmConnectionsOverTheTotal_ReportsTheSum()
    {
        var path = Write("total.json", """
            { "listen": "127.0.0.1:7400", "auth": { "mode": "none" },
              "connections": { "a": { "transport": "tcp", "host": "127.0.0.1", "port": 7401, "warmConnections": 100 },
                               "b": { "transport": "tcp", "host": "127.0.0.1", "port": 7402, "warmConnections": 100 } } }
            """);

        var errors = Assert.Throws<InvalidConfigurationException>(() => GatewayConfiguration.LoadFile(path))!.Errors;

        Assert.That(errors, Has.Some.StartsWith("connections: 200 warmConnections in all; at most 128 together"));
    }

    [Test]
    public void ConfigCheck_WarmConnectionsOnStdio_ExitsOneNamingTheKey()
    {
        var path = Write("check.json", """
            { "listen": "127.0.0.1:7400", "auth": { "mode": "none" },
              "connections": { "spawned": { "transport": "stdio", "command": "node", "warmConnections": 1 } } }
            """);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = ConfigCheckCommand.Run([path], output, error);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(1));
            Assert.That(error.ToString(), Does.Contain("connections.spawned.warmConnections"));
        });
    }

    private string Write(string name, string json)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, json);
        return path;
    }
}
