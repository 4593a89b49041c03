using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors;
using McpGateway.Inspectors.Policy;
using McpGateway.Host.Commands;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Policy;

namespace McpGateway.Tests.Policy;

/// <summary>Where the policy inspector runs, and how its configuration errors are reported with the rest.</summary>
[TestFixture]
public sealed class PolicyPlacementTests
{
    [Test]
    [CancelAfter(10000)]
    public async Task Build_PolicyConfigured_RunsRightAfterAuthenticationBothWays(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var settings = GatewayHarness.Settings(GatewayHarness.Tcp("db", 1)) with { Features = FeatureSettings.Of(Compile()) };
        await using var app = GatewayFactory.Create(settings, configureLogging: _ => { });

        Assert.That(app.Chain.Describe(), Is.EqualTo("client->upstream: authentication > policy\nupstream->client: policy"));
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Build_NoPolicy_ChainHasNoPolicyInspector(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await using var app = GatewayFactory.Create(GatewayHarness.Settings(GatewayHarness.Tcp("db", 1)), configureLogging: _ => { });

        Assert.That(app.Chain.Names, Has.No.Member("policy"));
    }

    [Test]
    public void Build_PolicyNamedInInspectors_Refused()
    {
        var settings = GatewayHarness.Settings(GatewayHarness.Tcp("db", 1)) with { Features = FeatureSettings.Of(Compile()), Inspectors = ["policy"] };

        var ex = Assert.Throws<InvalidChainException>(() => GatewayFactory.Create(settings, configureLogging: _ => { }));

        Assert.That(ex!.Errors, Has.Some.Contains("'policy' always runs at the Policy end"));
    }

    [Test]
    public void LoadFile_PolicyAndOtherMistakes_ReportedTogether()
    {
        var directory = Directory.CreateTempSubdirectory("mcpgw-policy-config-");
        try
        {
            var path = Path.Combine(directory.FullName, "gateway.json");
            File.WriteAllText(path, """
                {
                  "auth": { "mode": "none" },
                  "connections": { "db": { "transport": "tcp", "host": "127.0.0.1", "port": 5 } },
                  "policy": { "rules": [ { "id": "r", "action": "allow", "match": { "connections": [ "dbb" ] } } ] }
                }
                """);

            var ex = Assert.Throws<InvalidConfigurationException>(() => GatewayConfiguration.LoadFile(path));

            Assert.That(ex!.Errors, Has.Some.StartsWith("listen:"));
            Assert.That(ex.Errors, Has.Some.Contains("policy.rules[0] (r).match.connections[0]: no connection named 'dbb'"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static CompiledPolicy Compile()
    {
        var errors = new List<string>();
        return PolicyCompiler.Compile(PolicyJson.Options("""{ "default": "allow" }"""), ["db"], errors)!;
    }
}
