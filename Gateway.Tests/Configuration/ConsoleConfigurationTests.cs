using McpGateway.Inspectors;
using McpGateway.Core.Configuration;

namespace McpGateway.Tests.Configuration;

/// <summary><c>admin.console</c>: a valid section with its defaults, and every mistake reported at once with its path.</summary>
[TestFixture]
internal sealed class ConsoleConfigurationTests
{
    private string _directory = null!;

    [OneTimeSetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mcpgw-console-config-").FullName;

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string admin, string auth = """{ "mode": "oidc", "issuer": "https://idp.example/oauth2/default", "audience": "api://mcp-gateway" }""", string policy = """, "policy": { "default": "allow", "rules": [] }, "approvals": { "progressInterval": "00:00:05" }""")
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, $$"""
            { "listen": "127.0.0.1:7400", "allowPlaintext": true, "admin": {{admin}}, "auth": {{auth}},
              "connections": { "tcp": { "transport": "tcp", "host": "127.0.0.1", "port": 9 } } {{policy}} }
            """);
        return path;
    }

    [Test]
    public void LoadFile_ConsoleSection_SettingsWithOpenIdFirstAndDefaults()
    {
        var path = Write("valid.json", """{ "listen": "127.0.0.1:7401", "console": { "clientId": "mcp-console", "clientSecret": "s3cret", "scopes": [ "groups", "openid" ] } }""");

        var console = GatewayConfiguration.LoadFile(path).Console;

        Assert.Multiple(() =>
        {
            Assert.That((console!.ClientId, console.ClientSecret), Is.EqualTo(("mcp-console", "s3cret")));
            Assert.That(console.Scopes, Is.EqualTo(new[] { "openid", "groups" }));
            Assert.That(console.SessionLifetime, Is.EqualTo(ConsoleSettings.DefaultSessionLifetime));
        });
    }

    [Test]
    public void LoadFile_NoConsoleSection_NoConsole()
    {
        var path = Write("none.json", """{ "listen": "127.0.0.1:7401" }""");

        Assert.That(GatewayConfiguration.LoadFile(path).Console, Is.Null);
    }

    [Test]
    public void LoadFile_ConsoleMistakes_EachReportedWithItsPath()
    {
        var path = Write("broken.json", """{ "listen": "127.0.0.1:7401", "console": { "scopes": [ "two words" ], "sessionLifetime": "13:00:00" } }""", policy: "");

        var errors = Assert.Throws<InvalidConfigurationException>(() => GatewayConfiguration.LoadFile(path))!.Errors;

        Assert.That(errors, Has.Some.StartsWith("admin.console.clientId: required")
            .And.Some.StartsWith("admin.console.clientSecret: required")
            .And.Some.StartsWith("admin.console.scopes[0]: a scope is one word")
            .And.Some.StartsWith("admin.console.sessionLifetime: '13:00:00'")
            .And.Some.StartsWith("admin.console: needs an approvals or an audit section"));
    }

    [Test]
    public void LoadFile_ConsoleWithoutOidc_Refused()
    {
        var path = Write("no-oidc.json", """{ "listen": "127.0.0.1:7401", "console": { "clientId": "c", "clientSecret": "s" } }""", auth: """{ "mode": "none" }""");

        var errors = Assert.Throws<InvalidConfigurationException>(() => GatewayConfiguration.LoadFile(path))!.Errors;

        Assert.That(errors, Has.Some.StartsWith("admin.console: needs auth.mode \"oidc\""));
    }

    [Test]
    public void LoadFile_ConsoleOffLoopbackWithoutHttpsPublicUrl_Refused()
    {
        var path = Write("remote.json", """{ "listen": "0.0.0.0:7401", "allowRemote": true, "publicUrl": "http://gw.example.com", "console": { "clientId": "c", "clientSecret": "s" } }""");

        var errors = Assert.Throws<InvalidConfigurationException>(() => GatewayConfiguration.LoadFile(path))!.Errors;

        Assert.That(errors, Has.Some.StartsWith("admin.console: with a non-loopback admin.listen the console needs an https admin.publicUrl"));
    }

    [Test]
    public void LoadFile_ConsoleOffLoopbackBehindHttpsPublicUrl_Accepted()
    {
        var path = Write("proxied.json", """{ "listen": "0.0.0.0:7401", "allowRemote": true, "publicUrl": "https://gw.example.com", "console": { "clientId": "c", "clientSecret": "s" } }""");

        Assert.That(GatewayConfiguration.LoadFile(path).Console, Is.Not.Null);
    }
}
