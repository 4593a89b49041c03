using McpGateway.Core.Configuration;
using McpGateway.Host.Commands;
using McpGateway.Inspectors;

namespace McpGateway.Tests.FrontDoor;

/// <summary>The <c>http</c> section: validated with every mistake reported at once, by its path.</summary>
[TestFixture]
internal sealed class FrontDoorSettingsLoaderTests
{
    private const string Connections = """ "connections": { "x": { "transport": "tcp", "host": "127.0.0.1", "port": 9 } } """;

    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("mcpgw-http-config-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void LoadFile_FullSection_NormalizedSettings()
    {
        var settings = Load("""
            "http": { "listen": "127.0.0.1:7402", "allowedOrigins": [ "https://Console.Example.com/", "http://localhost:3000" ],
                      "allowedHosts": [ "MCP.Internal.Example.", "10.0.0.5", "[::FFFF:10.0.0.5]" ],
                      "publicUrl": "https://mcp.example.com/", "scopes": [ "mcp:tools", "openid" ] }
            """);

        var frontDoor = settings.FrontDoor!;
        Assert.Multiple(() =>
        {
            Assert.That(frontDoor.Endpoint.ToString(), Is.EqualTo("127.0.0.1:7402"));
            Assert.That(frontDoor.AllowedOrigins, Is.EquivalentTo(new[] { "https://console.example.com", "http://localhost:3000" }));
            Assert.That(frontDoor.AllowedHosts, Is.EquivalentTo(new[] { "mcp.internal.example", "10.0.0.5", "[::ffff:10.0.0.5]" }));
            Assert.That(frontDoor.PublicUrl, Is.EqualTo("https://mcp.example.com"));
            Assert.That(frontDoor.Scopes, Is.EqualTo(new[] { "mcp:tools", "openid" }));
            Assert.That(frontDoor.UseTls, Is.False);
        });
    }

    [TestCase("", 60)]
    [TestCase(", \"statelessIdleTimeout\": \"00:00:05\"", 5)]
    public void LoadFile_StatelessIdleTimeout_DefaultAMinuteOrAsGiven(string key, int seconds)
    {
        var settings = Load("\"http\": { \"listen\": \"127.0.0.1:7402\"" + key + " }");

        Assert.That(settings.FrontDoor!.StatelessIdleTimeout, Is.EqualTo(TimeSpan.FromSeconds(seconds)));
    }

    [Test]
    public void LoadFile_StatelessIdleTimeoutZero_RefusedByItsPath()
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() => Load("\"http\": { \"listen\": \"127.0.0.1:7402\", \"statelessIdleTimeout\": \"00:00:00\" }"));

        Assert.That(ex!.Errors, Has.One.StartsWith("http.statelessIdleTimeout: '00:00:00' must be positive"));
    }

    [Test]
    public void LoadFile_NoSection_NoFrontDoor() => Assert.That(Load("").FrontDoor, Is.Null);

    [Test]
    public void LoadFile_EveryMistake_ReportedAtOnce()
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() => Load("""
            "http": { "listen": "127.0.0.1:7402", "allowedOrigins": [ "https://ok.example", "https://evil.example/path", "*" ],
                      "allowedHosts": [ "ok.example", "https://with-scheme.example", "port.example:443", "*.wild.example" ],
                      "publicUrl": "https://mcp.example.com/base?x=1", "scopes": [ "two words" ], "tls": true }
            """));

        Assert.That(ex!.Errors, Has.Some.StartsWith("http.allowedOrigins[1]:")
            .And.Some.StartsWith("http.allowedOrigins[2]:")
            .And.Some.StartsWith("http.allowedHosts[1]:")
            .And.Some.StartsWith("http.allowedHosts[2]:")
            .And.Some.StartsWith("http.allowedHosts[3]:")
            .And.Some.StartsWith("http.publicUrl:")
            .And.Some.StartsWith("http.scopes[0]:")
            .And.Some.StartsWith("http.tls:"));
        Assert.That(ex.Errors.Count(e => e.StartsWith("http.", StringComparison.Ordinal)), Is.EqualTo(8));
    }

    [TestCase("\"http\": { }", "http.listen: required")]
    [TestCase("\"http\": { \"listen\": \"local host:7402\" }", "http.listen: 'local host:7402' is not a host and port")]
    [TestCase("\"http\": { \"listen\": \"0.0.0.0:7402\" }", "http.listen: '0.0.0.0:7402' is not a loopback address; set \"allowRemote\"")]
    [TestCase("\"http\": { \"listen\": \"0.0.0.0:7402\", \"allowRemote\": true }", "http.listen: '0.0.0.0:7402' is not a loopback address; auth mode none")]
    [TestCase("\"http\": { \"listen\": \"127.0.0.1:7400\" }", "http.listen: '127.0.0.1:7400' is already the port")]
    public void LoadFile_BadListen_Refused(string section, string error)
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() => Load(section.Replace("{ }", "{ \"allowedOrigins\": [] }", StringComparison.Ordinal)));

        Assert.That(ex!.Errors, Has.One.StartsWith(error));
    }

    [Test]
    public void LoadFile_RemoteWithOidcWithoutTls_RefusedUnlessPlaintextIsAllowed()
    {
        const string Oidc = """ "auth": { "mode": "oidc", "issuer": "https://idp.example.com", "audience": "api://mcp-gateway" }, "allowPlaintext": ALLOW, """;
        const string Http = """ "http": { "listen": "0.0.0.0:7402", "allowRemote": true, "allowedHosts": [ "mcp.example.com" ] } """;

        var refused = Assert.Throws<InvalidConfigurationException>(() => LoadRaw(Oidc.Replace("ALLOW", "false", StringComparison.Ordinal) + Http));
        var accepted = LoadRaw(Oidc.Replace("ALLOW", "true", StringComparison.Ordinal) + Http);

        Assert.That(refused!.Errors, Has.Some.StartsWith("http.listen: '0.0.0.0:7402' would carry bearer tokens in plaintext"));
        Assert.That(accepted.FrontDoor!.Endpoint.ToString(), Is.EqualTo("0.0.0.0:7402"));
    }

    [Test]
    public void LoadFile_EveryAddressWithoutHostNames_RefusedEveryRequestWouldBe()
    {
        const string Oidc = """ "auth": { "mode": "oidc", "issuer": "https://idp.example.com", "audience": "api://mcp-gateway" }, "allowPlaintext": true, """;

        var refused = Assert.Throws<InvalidConfigurationException>(() => LoadRaw(Oidc + """ "http": { "listen": "0.0.0.0:7402", "allowRemote": true } """));
        var withPublicUrl = LoadRaw(Oidc + """ "http": { "listen": "0.0.0.0:7402", "allowRemote": true, "publicUrl": "https://mcp.example.com" } """);

        Assert.That(refused!.Errors, Has.One.StartsWith("http.allowedHosts: the front door listens on every address"));
        Assert.That(McpGateway.Core.FrontDoor.FrontDoorHosts.Allowed(withPublicUrl.FrontDoor!), Is.EquivalentTo(new[] { "mcp.example.com" }));
    }

    [Test]
    public void Allowed_LoopbackWithPublicUrlAndExtraHosts_TheirUnionOnly()
    {
        var settings = Load("""
            "http": { "listen": "127.0.0.1:7402", "publicUrl": "https://MCP.example.com:8443", "allowedHosts": [ "gw.internal" ] }
            """);

        var allowed = McpGateway.Core.FrontDoor.FrontDoorHosts.Allowed(settings.FrontDoor!);

        Assert.That(allowed, Is.EquivalentTo(new[] { "mcp.example.com", "gw.internal", "localhost", "127.0.0.1", "[::1]" }));
    }

    [TestCase("Evil.Example.COM.", "evil.example.com")]
    [TestCase("[0:0:0:0:0:0:0:1]", "[::1]")]
    [TestCase("127.0.0.1", "127.0.0.1")]
    [TestCase("", null)]
    [TestCase("a.example:80", null)]
    [TestCase("*.example", null)]
    [TestCase("[not-an-address]", null)]
    public void Normalize_HostValues_ComparedForm(string host, string? expected) =>
        Assert.That(McpGateway.Core.FrontDoor.FrontDoorHosts.Normalize(host), Is.EqualTo(expected));

    [Test]
    public void ConfigCheck_HttpSection_SummaryNamesTheFrontDoor_TypoNamed()
    {
        var path = Path.Combine(_dir, "gateway.json");
        File.WriteAllText(path, $$"""{ "listen": "127.0.0.1:7400", "auth": { "mode": "none" }, "http": { "listen": "127.0.0.1:7402" }, {{Connections}} }""");
        var typo = Path.Combine(_dir, "typo.json");
        File.WriteAllText(typo, $$"""{ "listen": "127.0.0.1:7400", "auth": { "mode": "none" }, "http": { "listen": "127.0.0.1:7402", "allowedOrigin": [ "https://a.example" ] }, {{Connections}} }""");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var valid = ConfigCheckCommand.Run([path], output, error);
        var invalid = ConfigCheckCommand.Run([typo], output, error);

        Assert.Multiple(() =>
        {
            Assert.That(valid, Is.Zero, error.ToString());
            Assert.That(output.ToString(), Does.Contain("http front door 127.0.0.1:7402 (http), MCP at /mcp/{connection}"));
            Assert.That(invalid, Is.EqualTo(ConfigCheckCommand.Invalid));
            Assert.That(error.ToString(), Does.Contain("http.allowedOrigin: unknown key"));
        });
    }

    private GatewaySettings Load(string section) =>
        LoadRaw(""" "auth": { "mode": "none" }, """ + section);

    private GatewaySettings LoadRaw(string sections)
    {
        var path = Path.Combine(_dir, "gateway.json");
        var separator = sections.TrimEnd().EndsWith(',') || sections.Trim().Length == 0 ? "" : ",";
        File.WriteAllText(path, $$"""{ "listen": "127.0.0.1:7400", {{sections}}{{separator}} {{Connections}} }""");
        return GatewayConfiguration.LoadFile(path);
    }
}
