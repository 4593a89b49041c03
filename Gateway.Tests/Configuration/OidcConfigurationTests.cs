using System.Collections.Frozen;
using McpGateway.Core.Configuration;
using McpGateway.Core.Identity;
using McpGateway.Inspectors;

namespace McpGateway.Tests.Configuration;

/// <summary><c>auth.mode: oidc</c> and the identity-to-connection mapping, as the loader reads and validates them.</summary>
[TestFixture]
internal sealed class OidcConfigurationTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("mcpgw-oidc-config-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private GatewaySettings Load(string auth, string connections = """{ "x": { "transport": "tcp", "host": "127.0.0.1", "port": 9 } }""")
    {
        var path = Path.Combine(_dir, "gateway.json");
        File.WriteAllText(path, $$"""{ "listen": "127.0.0.1:0", "allowPlaintext": true, "auth": {{auth}}, "connections": {{connections}} }""");
        return GatewayConfiguration.LoadFile(path);
    }

    private IReadOnlyList<string> Errors(string auth, string connections = """{ "x": { "transport": "tcp", "host": "127.0.0.1", "port": 9 } }""") =>
        Assert.Throws<InvalidConfigurationException>(() => Load(auth, connections))!.Errors;

    [Test]
    public void LoadFile_OktaCustomAuthorizationServer_DefaultsFilledIn()
    {
        var settings = Load("""{ "mode": "oidc", "issuer": "https://example.okta.com/oauth2/default", "audience": "api://mcp-gateway" }""");

        var oidc = settings.Oidc!;
        Assert.Multiple(() =>
        {
            Assert.That(settings.AuthMode, Is.EqualTo(AuthMode.Oidc));
            Assert.That(oidc.Issuer, Is.EqualTo("https://example.okta.com/oauth2/default"));
            Assert.That(oidc.MetadataAddress, Is.EqualTo("https://example.okta.com/oauth2/default/.well-known/openid-configuration"));
            Assert.That(oidc.Audiences, Is.EqualTo(new[] { "api://mcp-gateway" }));
            Assert.That(oidc.AllowedAlgorithms, Is.EqualTo(new[] { "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512" }));
            Assert.That(oidc.ClockSkew, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(oidc.SubjectClaim, Is.EqualTo("sub"));
            Assert.That(oidc.GroupsClaim, Is.EqualTo("groups"));
            Assert.That(oidc.ClientIdClaims, Is.EqualTo(new[] { "client_id", "cid" }));
            Assert.That(oidc.RequireHttpsMetadata, Is.True);
            Assert.That(oidc.MaxTokenBytes, Is.EqualTo(16 * 1024));
            Assert.That(oidc.KeyRefreshInterval, Is.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(oidc.UnknownKidRefreshInterval, Is.EqualTo(TimeSpan.FromMinutes(5)));
            Assert.That(oidc.MaxKeyStaleness, Is.EqualTo(TimeSpan.FromHours(24)));
        });
    }

    [Test]
    public void LoadFile_OktaOrgIssuerWithEveryOption_Read()
    {
        var settings = Load("""
            { "mode": "oidc", "issuer": "https://example.okta.com", "audience": [ "api://a", "api://b" ],
              "allowedAlgorithms": [ "RS256", "ES256" ], "clockSkew": "00:01:00", "subjectClaim": "uid", "groupsClaim": "roles",
              "clientIdClaim": "cid", "maxTokenBytes": 8192, "keyRefreshInterval": "00:30:00", "unknownKidRefreshInterval": "00:01:00",
              "maxKeyStaleness": "12:00:00" }
            """);

        var oidc = settings.Oidc!;
        Assert.Multiple(() =>
        {
            Assert.That(oidc.MetadataAddress, Is.EqualTo("https://example.okta.com/.well-known/openid-configuration"));
            Assert.That(oidc.Audiences, Is.EqualTo(new[] { "api://a", "api://b" }));
            Assert.That(oidc.AllowedAlgorithms, Is.EqualTo(new[] { "RS256", "ES256" }));
            Assert.That(oidc.ClockSkew, Is.EqualTo(TimeSpan.FromMinutes(1)));
            Assert.That(oidc.SubjectClaim, Is.EqualTo("uid"));
            Assert.That(oidc.GroupsClaim, Is.EqualTo("roles"));
            Assert.That(oidc.ClientIdClaims, Is.EqualTo(new[] { "cid" }));
            Assert.That(oidc.MaxTokenBytes, Is.EqualTo(8192));
            Assert.That(oidc.KeyRefreshInterval, Is.EqualTo(TimeSpan.FromMinutes(30)));
            Assert.That(oidc.UnknownKidRefreshInterval, Is.EqualTo(TimeSpan.FromMinutes(1)));
            Assert.That(oidc.MaxKeyStaleness, Is.EqualTo(TimeSpan.FromHours(12)));
        });
    }

    [Test]
    public void LoadFile_ManyOidcMistakes_ReportsEveryOneWithItsPath()
    {
        var errors = Errors("""
            { "mode": "oidc", "issuer": "http://idp.example.com",
              "allowedAlgorithms": [ "RS256", "HS256", "none", "EdDSA" ], "clockSkew": "00:10:00", "maxTokenBytes": 0,
              "keyRefreshInterval": "02:00:00", "maxKeyStaleness": "01:00:00", "unknownKidRefreshInterval": "-00:00:01", "subjectClaim": " " }
            """);

        Assert.Multiple(() =>
        {
            Assert.That(errors, Has.Some.StartsWith("auth.issuer:").And.Some.Contains("must be https"));
            Assert.That(errors, Has.Some.StartsWith("auth.audience:"));
            Assert.That(errors, Has.Some.StartsWith("auth.allowedAlgorithms[1]:").And.Some.Contains("symmetric"));
            Assert.That(errors, Has.Some.StartsWith("auth.allowedAlgorithms[2]:").And.Some.Contains("never allowed"));
            Assert.That(errors, Has.Some.StartsWith("auth.allowedAlgorithms[3]:"));
            Assert.That(errors, Has.Some.StartsWith("auth.clockSkew:"));
            Assert.That(errors, Has.Some.StartsWith("auth.maxTokenBytes:"));
            Assert.That(errors, Has.Some.StartsWith("auth.maxKeyStaleness:"));
            Assert.That(errors, Has.Some.StartsWith("auth.unknownKidRefreshInterval:"));
            Assert.That(errors, Has.Some.StartsWith("auth.subjectClaim:"));
            Assert.That(errors, Has.Count.EqualTo(10), string.Join("\n", errors));
        });
    }

    [Test]
    public void LoadFile_PlainHttpMetadataForRemoteIssuer_RefusedNamingLoopback()
    {
        var errors = Errors("""{ "mode": "oidc", "issuer": "http://idp.example.com", "audience": "x", "requireHttpsMetadata": false }""");

        Assert.That(errors.Single(), Does.StartWith("auth.requireHttpsMetadata:").And.Contains("loopback"));
    }

    [TestCase("http://127.0.0.1:9400")]
    [TestCase("http://localhost:9400/oauth2/default")]
    [TestCase("http://[::1]:9400")]
    public void LoadFile_PlainHttpMetadataForLoopbackIssuer_Allowed(string issuer)
    {
        var settings = Load($$"""{ "mode": "oidc", "issuer": "{{issuer}}", "audience": "x", "requireHttpsMetadata": false }""");

        Assert.That(settings.Oidc!.RequireHttpsMetadata, Is.False);
    }

    [Test]
    public void LoadFile_ModeMissingOrUnknown_NamesBothModes()
    {
        Assert.That(Errors("""{ "mode": "saml" }"""), Has.Some.StartsWith("auth.mode:").And.Some.Contains("oidc, none"));
    }

    [Test]
    public void LoadFile_ConnectionMapping_ReadPerConnection()
    {
        var settings = Load(
            """{ "mode": "oidc", "issuer": "https://example.okta.com/oauth2/default", "audience": "api://mcp-gateway" }""",
            """
            { "admin": { "transport": "tcp", "host": "127.0.0.1", "port": 9, "allowedGroups": [ "mcp-admins" ], "allowedSubjects": [ "agent-ops" ] },
              "open": { "transport": "stdio", "command": "node" } }
            """);

        Assert.Multiple(() =>
        {
            Assert.That(settings.Connections["admin"].Access.AllowedGroups, Is.EquivalentTo(new[] { "mcp-admins" }));
            Assert.That(settings.Connections["admin"].Access.AllowedSubjects, Is.EquivalentTo(new[] { "agent-ops" }));
            Assert.That(settings.Connections["open"].Access.IsOpen, Is.True);
        });
    }

    [Test]
    public void LoadFile_EmptyMappingEntries_Reported()
    {
        var errors = Errors(
            """{ "mode": "none" }""",
            """{ "x": { "transport": "tcp", "host": "127.0.0.1", "port": 9, "allowedGroups": [ "" ], "allowedSubjects": [ " " ] } }""");

        Assert.That(errors, Is.EquivalentTo(new[] { "connections.x.allowedGroups[0]: a group name is required", "connections.x.allowedSubjects[0]: a subject is required" }));
    }

    [TestCase("agent-alice", new[] { "mcp-users" }, ExpectedResult = false)]
    [TestCase("agent-admin", new[] { "mcp-users", "mcp-admins" }, ExpectedResult = true)]
    [TestCase("agent-ops", new string[0], ExpectedResult = true)]
    [TestCase("agent-ops-2", new string[0], ExpectedResult = false)]
    public bool Admits_GroupsOrSubjects_EitherSuffices(string subject, string[] groups)
    {
        var connection = new TcpConnectionSettings
        {
            Name = "admin",
            Host = "127.0.0.1",
            Port = 9,
            Access = new ConnectionAccess
            {
                AllowedGroups = new[] { "mcp-admins" }.ToFrozenSet(StringComparer.Ordinal),
                AllowedSubjects = new[] { "agent-ops" }.ToFrozenSet(StringComparer.Ordinal),
            },
        };
        var settings = Settings(AuthMode.Oidc, connection);

        return settings.Admits(connection, Identity(subject, groups));
    }

    [Test]
    public void Admits_ModeNone_MappingNotApplied()
    {
        var connection = new TcpConnectionSettings
        {
            Name = "admin",
            Host = "127.0.0.1",
            Port = 9,
            Access = new ConnectionAccess { AllowedGroups = new[] { "mcp-admins" }.ToFrozenSet(StringComparer.Ordinal) },
        };

        Assert.That(Settings(AuthMode.None, connection).Admits(connection, Identity("anonymous", [])), Is.True);
    }

    private static GatewaySettings Settings(AuthMode mode, ConnectionSettings connection) => new()
    {
        Endpoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0),
        AuthMode = mode,
        Connections = new Dictionary<string, ConnectionSettings> { [connection.Name] = connection }.ToFrozenDictionary(),
    };

    private static GatewayIdentity Identity(string subject, string[] groups) =>
        new(subject, null, groups, DateTimeOffset.MaxValue, "sha256:00");
}
