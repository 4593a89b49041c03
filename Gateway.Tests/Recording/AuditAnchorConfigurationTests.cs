using McpGateway.Core.Configuration;
using McpGateway.Inspectors;

namespace McpGateway.Tests.Recording;

/// <summary><c>audit.anchors</c>: files (resolved next to the configuration) and http(s) URLs, only with a signing key.</summary>
[TestFixture]
internal sealed class AuditAnchorConfigurationTests
{
    private string _directory = null!;

    [SetUp]
    public async Task CreateKeyAsync()
    {
        _directory = Directory.CreateTempSubdirectory("mcpgw-anchor-config-").FullName;
        await File.WriteAllTextAsync(Path.Combine(_directory, "key.pem"), McpGateway.Core.Recording.CheckpointSigner.GenerateKey().PrivateKeyPem);
        Directory.CreateDirectory(Path.Combine(_directory, "witness"));
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    private GatewaySettings Load(string audit)
    {
        var path = Path.Combine(_directory, "gateway.json");
        File.WriteAllText(path, $$"""
            {
              "listen": "127.0.0.1:0",
              "auth": { "mode": "none" },
              "connections": { "x": { "transport": "tcp", "host": "127.0.0.1", "port": 1 } },
              "audit": {{audit}}
            }
            """);
        return GatewayConfiguration.LoadFile(path);
    }

    [Test]
    public void Load_FileAndUrlAnchors_FileResolvedNextToTheConfigurationUrlKept()
    {
        var settings = Load("""{ "signingKeyFile": "key.pem", "anchors": ["witness/checkpoints.jsonl", "https://siem.example/collect?token=x"] }""");

        Assert.That(settings.Audit!.Anchors, Is.EqualTo(new[] { Path.Combine(_directory, "witness", "checkpoints.jsonl"), "https://siem.example/collect?token=x" }));
    }

    [Test]
    public void Load_BadAnchors_EveryErrorAtOnce()
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() => Load("""{ "anchors": ["ftp://siem.example/x", "nowhere/at/all.jsonl", " "] }"""));

        Assert.That(ex!.Errors, Is.SupersetOf(new[]
        {
            "audit.anchors: 'ftp://siem.example/x' is neither a file path nor an http or https URL",
            $"audit.anchors: the directory of '{Path.Combine(_directory, "nowhere", "at", "all.jsonl")}' does not exist",
            "audit.anchors: an anchor may not be empty",
            "audit.anchors: needs audit.signingKeyFile (anchors keep signed checkpoints)",
        }));
    }
}
