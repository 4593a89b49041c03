using McpGateway.Core.Configuration;
using McpGateway.Host.Commands;
using McpGateway.Inspectors;

namespace McpGateway.Tests.Configuration;

/// <summary>The <c>http</c> transport's keys: a valid connection, and every mistake reported with its path, never with a secret.</summary>
[TestFixture]
internal sealed class HttpConnectionConfigurationTests
{
    private string _directory = null!;

    [OneTimeSetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mcpgw-http-config-").FullName;

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void LoadFile_HttpConnection_ProducesSettingsWithHeaderSources()
    {
        File.WriteAllText(Path.Combine(_directory, "api-key"), "k-from-file\n");
        var path = Write("valid.json", """
            { "listen": "127.0.0.1:7400", "auth": { "mode": "none" },
              "connections": { "remote": {
                "transport": "http", "url": "https://mcp.example.com/mcp?tenant=7",
                "headers": { "X-API-Key": { "fromFile": "api-key" }, "X-Region": { "value": "eu" } },
                "requestTimeout": "00:00:45", "connectRetries": 1 } } }
            """);

        var remote = (HttpConnectionSettings)GatewayConfiguration.LoadFile(path).Connections["remote"];

        Assert.Multiple(() =>
        {
            Assert.That(remote.Url, Is.EqualTo(new Uri("https://mcp.example.com/mcp?tenant=7")));
            Assert.That(remote.Headers["x-api-key"].Resolve(), Is.EqualTo("k-from-file"), "header names are case-insensitive; a file's final newline is not part of the value");
            Assert.That(remote.Headers["X-Region"].Resolve(), Is.EqualTo("eu"));
            Assert.That(remote.RequestTimeout, Is.EqualTo(TimeSpan.FromSeconds(45)));
            Assert.That(remote.ConnectRetries, Is.EqualTo(1));
        });
    }

    [Test]
    public void LoadFile_PlainHttpToLoopback_IsAccepted()
    {
        var path = Write("loopback.json", """
            { "listen": "127.0.0.1:7400", "auth": { "mode": "none" },
              "connections": { "local": { "transport": "http", "url": "http://127.0.0.1:3001/mcp" },
                               "local6": { "transport": "http", "url": "http://[::1]:3001/mcp" },
                               "lan": { "transport": "http", "url": "http://10.1.2.3/mcp", "allowPlaintext": true } } }
            """);

        Assert.That(GatewayConfiguration.LoadFile(path).Connections, Has.Count.EqualTo(3));
    }

    [Test]
    public void LoadFile_HttpMistakes_EachReportedWithItsPath()
    {
        var path = Write("broken.json", """
            { "listen": "127.0.0.1:7400", "auth": { "mode": "none" },
              "connections": {
                "nourl": { "transport": "http" },
                "ftp": { "transport": "http", "url": "ftp://files.example.com/mcp" },
                "creds": { "transport": "http", "url": "https://user:hunter2@mcp.example.com/mcp" },
                "clear": { "transport": "http", "url": "http://mcp.example.com/mcp?key=abc123" },
                "headers": { "transport": "http", "url": "https://mcp.example.com/mcp",
                  "headers": { "Mcp-Session-Id": { "value": "x" }, "Bad Name": { "value": "x" }, "X-Two": { "value": "a", "fromEnv": "B" },
                               "X-Missing": { "fromEnv": "MCPGW_TEST_SURELY_UNSET_VARIABLE" } } } } }
            """);

        var errors = Assert.Throws<InvalidConfigurationException>(() => GatewayConfiguration.LoadFile(path))!.Errors;

        Assert.Multiple(() =>
        {
            Assert.That(errors, Has.Some.StartsWith("connections.nourl.url: required for an http connection"));
            Assert.That(errors, Has.Some.StartsWith("connections.ftp.url: 'ftp://files.example.com/mcp' is not an absolute http:// or https:// URL"));
            Assert.That(errors, Has.Some.StartsWith("connections.creds.url: credentials in the URL are not accepted"));
            Assert.That(errors, Has.Some.StartsWith("connections.clear.url: plain http:// to 'mcp.example.com'"));
            Assert.That(errors, Has.Some.StartsWith("connections.headers.headers.Mcp-Session-Id: set by the gateway's HTTP transport itself"));
            Assert.That(errors, Has.Some.StartsWith("connections.headers.headers.Bad Name: not a valid HTTP header name"));
            Assert.That(errors, Has.Some.StartsWith("connections.headers.headers.X-Two: exactly one of value, fromEnv, fromFile"));
            Assert.That(errors, Has.Some.StartsWith("connections.headers.headers.X-Missing.fromEnv: environment variable 'MCPGW_TEST_SURELY_UNSET_VARIABLE' is not set"));
            Assert.That(string.Join("\n", errors), Does.Not.Contain("hunter2").And.Not.Contain("abc123"), "no secret from the file is echoed");
        });
    }

    [Test]
    public void ConfigCheck_HttpConnectionWithTypo_NamesTheKey()
    {
        var path = Write("typo.json", """
            { "listen": "127.0.0.1:7400", "auth": { "mode": "none" },
              "connections": { "remote": { "transport": "http", "url": "https://mcp.example.com/mcp", "header": { "X-API-Key": { "value": "k" } } } } }
            """);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = ConfigCheckCommand.Run([path], output, error);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(1));
            Assert.That(error.ToString(), Does.Contain("connections.remote.header: unknown key").And.Contain("headers"));
        });
    }

    private string Write(string name, string json)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, json);
        return path;
    }
}
