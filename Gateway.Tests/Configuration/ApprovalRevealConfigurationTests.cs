using McpGateway.Core.Configuration;
using McpGateway.Inspectors;
using McpGateway.Inspectors.Approval;

namespace McpGateway.Tests.Configuration;

/// <summary><c>approvals.revealGroups</c> and <c>approvals.maxMaskedShare</c>: defaults, valid values, every mistake with its path.</summary>
[TestFixture]
internal sealed class ApprovalRevealConfigurationTests
{
    private string _directory = null!;

    [OneTimeSetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mcpgw-reveal-config-").FullName;

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string approvals)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, $$"""
            { "listen": "127.0.0.1:7400", "auth": { "mode": "none" },
              "connections": { "tcp": { "transport": "tcp", "host": "127.0.0.1", "port": 9 } },
              "policy": { "default": "allow", "rules": [] },
              "approvals": {{approvals}} }
            """);
        return path;
    }

    [Test]
    public void LoadFile_NoRevealSettings_NobodyRevealsAndAQuarterMayBeHidden()
    {
        var approvals = GatewayConfiguration.LoadFile(Write("default.json", "{}")).Approvals!;

        Assert.That((approvals.RevealGroups, approvals.MaxMaskedShare), Is.EqualTo((Array.Empty<string>(), 0.25)));
    }

    [Test]
    public void LoadFile_RevealGroupsAndShare_Read()
    {
        var approvals = GatewayConfiguration.LoadFile(Write("valid.json", """{ "revealGroups": [ "security" ], "maxMaskedShare": 0.1 }""")).Approvals!;

        Assert.That((approvals.RevealGroups, approvals.MaxMaskedShare), Is.EqualTo((new[] { "security" }, 0.1)));
    }

    [Test]
    public void LoadFile_RevealMistakes_EachReportedWithItsPath()
    {
        var path = Write("broken.json", """{ "revealGroups": [ "security", " ", "security" ], "maxMaskedShare": 1.5 }""");

        var errors = Assert.Throws<InvalidConfigurationException>(() => GatewayConfiguration.LoadFile(path))!.Errors;

        Assert.Multiple(() =>
        {
            Assert.That(errors, Has.Some.StartsWith("approvals.revealGroups[1]: a group name is required"));
            Assert.That(errors, Has.Some.StartsWith("approvals.revealGroups[2]: 'security' is listed twice"));
            Assert.That(errors, Has.Some.StartsWith("approvals.maxMaskedShare: 1.5 is not between 0 and 1"));
        });
    }
}
