using McpGateway.Core.Configuration;
using McpGateway.Inspectors;

namespace McpGateway.Tests.Configuration;

/// <summary><c>auth.introspection</c> as the loader reads it: the secret only from the environment or a file, every mistake named by its path.</summary>
[TestFixture]
internal sealed class IntrospectionConfigurationTests
{
    private const string Issuer = """ "mode": "oidc", "issuer": "https://example.okta.com/oauth2/default", "audience": "api://mcp-gateway" """;

    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("mcpgw-introspection-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void LoadFile_SecretFromFile_ReadWithDefaultTtlAndTheSecretNotInTheSettings()
    {
        File.WriteAllText(Path.Combine(_dir, "introspection-secret"), "s3cr3t-value\n");

        var settings = Load("""
            { "endpoint": "https://example.okta.com/oauth2/default/v1/introspect", "clientId": "0oaGateway",
              "clientSecret": { "fromFile": "introspection-secret" } }
            """).Oidc!.Introspection!;

        Assert.Multiple(() =>
        {
            Assert.That(settings.Endpoint, Is.EqualTo(new Uri("https://example.okta.com/oauth2/default/v1/introspect")));
            Assert.That(settings.ClientId, Is.EqualTo("0oaGateway"));
            Assert.That(settings.ClientSecret.Source, Is.EqualTo(EnvironmentValueSource.File));
            Assert.That(settings.ClientSecret.Resolve(), Is.EqualTo("s3cr3t-value"));
            Assert.That(settings.ToString(), Does.Not.Contain("s3cr3t-value"));
            Assert.That(settings.CacheTtl, Is.EqualTo(TimeSpan.FromMinutes(1)));
        });
    }

    [Test]
    public void LoadFile_LiteralSecret_RefusedNamingThePath()
    {
        var errors = Errors("""{ "endpoint": "https://idp.example/introspect", "clientId": "gw", "clientSecret": { "value": "in-clear" } }""");

        Assert.That(errors, Has.Some.EqualTo("auth.introspection.clientSecret: a literal value is not accepted; use fromEnv or fromFile"));
        Assert.That(string.Join("\n", errors), Does.Not.Contain("in-clear"));
    }

    [Test]
    public void LoadFile_EverythingWrong_EachMistakeWithItsPath()
    {
        var errors = Errors("""{ "endpoint": "http://idp.example/introspect", "clientSecret": { "fromEnv": "MCPGW_NO_SUCH_VARIABLE_5bd1" }, "cacheTtl": "02:00:00" }""");

        Assert.Multiple(() =>
        {
            Assert.That(errors, Has.Some.StartsWith("auth.introspection.endpoint: 'http://idp.example/introspect' must be https"));
            Assert.That(errors, Has.Some.StartsWith("auth.introspection.clientId: required"));
            Assert.That(errors, Has.Some.EqualTo("auth.introspection.clientSecret: environment variable 'MCPGW_NO_SUCH_VARIABLE_5bd1' is not set"));
            Assert.That(errors, Has.Some.StartsWith("auth.introspection.cacheTtl: between 00:00:01 and 01:00:00"));
        });
    }

    [Test]
    public void LoadFile_NoSecret_Refused()
    {
        var errors = Errors("""{ "endpoint": "https://idp.example/introspect", "clientId": "gw" }""");

        Assert.That(errors, Has.Some.StartsWith("auth.introspection.clientSecret: required"));
    }

    private GatewaySettings Load(string introspection)
    {
        var path = Path.Combine(_dir, "gateway.json");
        File.WriteAllText(path, $$"""{ "listen": "127.0.0.1:0", "allowPlaintext": true, "auth": { {{Issuer}}, "introspection": {{introspection}} }, "connections": { "x": { "transport": "tcp", "host": "127.0.0.1", "port": 9 } } }""");
        return GatewayConfiguration.LoadFile(path);
    }

    private IReadOnlyList<string> Errors(string introspection) => Assert.Throws<InvalidConfigurationException>(() => Load(introspection))!.Errors;
}
