using McpGateway.Core.Configuration;
using McpGateway.Inspectors;

namespace McpGateway.Tests.Configuration;

/// <summary><c>auth.maxTokenLifetime</c> and <c>auth.groupsOverage</c>, as the loader reads and bounds them.</summary>
[TestFixture]
internal sealed class TokenRulesConfigurationTests
{
    private const string Oidc = """ "mode": "oidc", "issuer": "https://example.okta.com/oauth2/default", "audience": "api://mcp-gateway" """;

    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("mcpgw-token-rules-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void LoadFile_NeitherOption_RefuseOverageAndOneDayLifetime()
    {
        var oidc = Load("").Oidc!;

        Assert.That(oidc.MaxTokenLifetime, Is.EqualTo(TimeSpan.FromHours(24)));
        Assert.That(oidc.GroupsOverage, Is.EqualTo(GroupsOverage.Refuse));
    }

    [Test]
    public void LoadFile_BothOptions_Read()
    {
        var oidc = Load(""", "maxTokenLifetime": "02:00:00", "groupsOverage": "ignore" """).Oidc!;

        Assert.That(oidc.MaxTokenLifetime, Is.EqualTo(TimeSpan.FromHours(2)));
        Assert.That(oidc.GroupsOverage, Is.EqualTo(GroupsOverage.Ignore));
    }

    [TestCase("00:00:30")]
    [TestCase("8.00:00:00")]
    [TestCase("-01:00:00")]
    public void LoadFile_MaxTokenLifetimeOutOfBounds_ErrorNamesThePathAndTheBounds(string lifetime)
    {
        var errors = Errors($$""", "maxTokenLifetime": "{{lifetime}}" """);

        Assert.That(errors, Has.Some.StartsWith("auth.maxTokenLifetime: between 00:01:00 and 7.00:00:00"));
    }

    [Test]
    public void LoadFile_UnknownGroupsOverage_ErrorNamesThePathAndTheChoices()
    {
        var errors = Errors(""", "groupsOverage": "guess" """);

        Assert.That(errors, Has.Some.EqualTo("auth.groupsOverage: 'guess' is not one of refuse, ignore"));
    }

    private GatewaySettings Load(string extra)
    {
        var path = Path.Combine(_dir, "gateway.json");
        File.WriteAllText(path, $$"""{ "listen": "127.0.0.1:0", "allowPlaintext": true, "auth": { {{Oidc}} {{extra}} }, "connections": { "x": { "transport": "tcp", "host": "127.0.0.1", "port": 9 } } }""");
        return GatewayConfiguration.LoadFile(path);
    }

    private IReadOnlyList<string> Errors(string extra) => Assert.Throws<InvalidConfigurationException>(() => Load(extra))!.Errors;
}
