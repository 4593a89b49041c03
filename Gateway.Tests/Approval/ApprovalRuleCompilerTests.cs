using McpGateway.Core.Configuration;
using McpGateway.Inspectors;
using McpGateway.Inspectors.Approval;
using McpGateway.Inspectors.Policy;
using McpGateway.Tests.Policy;
using Microsoft.Extensions.Configuration;

namespace McpGateway.Tests.Approval;

/// <summary>What an approve rule takes (approvers, count, timeout, longest grant), validated with every mistake at once; and the approvals section.</summary>
[TestFixture]
internal sealed class ApprovalRuleCompilerTests
{
    [Test]
    public void Compile_ApproveRuleWithEverything_CarriesItsTerms()
    {
        var policy = PolicyJson.Compile("""
            { "rules": [ { "id": "writes", "action": "approve", "approverGroups": [ "dba", "sre", "dba" ], "requiredApprovals": 2,
                           "approvalTimeout": "00:15:00", "maxGrant": "01:00:00", "match": { "tools": [ "write_*" ] } } ] }
            """);

        var decision = policy.EvaluateCall(PolicyJson.Alice, "db", "write_file");

        Assert.That(decision.Action, Is.EqualTo(PolicyAction.Approve));
        Assert.That(decision.Rule!.Approval, Is.EqualTo(new ApprovalRequirement(["dba", "sre"], 2, TimeSpan.FromMinutes(15), TimeSpan.FromHours(1))).Using<ApprovalRequirement>(Same));
    }

    [Test]
    public void Compile_ApproveRuleWithGroupsOnly_DefaultsOneApprovalFiveMinutesNoGrants()
    {
        var policy = PolicyJson.Compile("""{ "rules": [ { "id": "w", "action": "approve", "approverGroups": [ "dba" ] } ] }""");

        var approval = policy.EvaluateCall(PolicyJson.Alice, "db", "anything").Rule!.Approval!;

        Assert.That((approval.RequiredApprovals, approval.Timeout, approval.MaxGrant), Is.EqualTo((1, TimeSpan.FromMinutes(5), TimeSpan.Zero)));
    }

    [Test]
    public void Compile_ApprovalMistakes_ReportsEveryOneAtOnce()
    {
        var errors = PolicyJson.Errors("""
            {
              "rules": [
                { "id": "no-approvers", "action": "approve" },
                { "id": "bad-terms", "action": "approve", "approverGroups": [ "dba", "" ], "requiredApprovals": 0, "approvalTimeout": "-00:00:01", "maxGrant": "00:00:00" },
                { "id": "not-approve", "action": "allow", "approverGroups": [ "dba" ], "requiredApprovals": 2, "maxGrant": "01:00:00" }
              ]
            }
            """);

        Assert.That(errors, Is.EquivalentTo(new[]
        {
            "policy.rules[0] (no-approvers).approverGroups: required for an approve rule (the groups whose members may decide a held call)",
            "policy.rules[1] (bad-terms).approverGroups[1]: a name is required",
            "policy.rules[1] (bad-terms).requiredApprovals: must be at least 1, was 0",
            "policy.rules[1] (bad-terms).approvalTimeout: must be positive",
            "policy.rules[1] (bad-terms).maxGrant: must be positive (leave it out to allow no grants)",
            "policy.rules[2] (not-approve).approverGroups: only an approve rule takes approverGroups",
            "policy.rules[2] (not-approve).requiredApprovals: only an approve rule takes requiredApprovals",
            "policy.rules[2] (not-approve).maxGrant: only an approve rule takes maxGrant",
        }));
    }

    [Test]
    public void Load_PolicyWithoutApprovalsSection_EmbeddedStoreNextToTheFile()
    {
        var settings = Load("""{ "policy": { "rules": [] } }""", "/srv/mcpgw");

        Assert.That(settings.Approvals, Is.Not.Null);
        Assert.That(settings.Approvals!.StorePath, Is.EqualTo(Path.GetFullPath("/srv/mcpgw/approvals.db")));
        Assert.That(settings.Approvals!.PostgresConnectionString, Is.Null);
        Assert.That(settings.Approvals!.ProgressInterval, Is.EqualTo(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public void Load_NoPolicy_NoApprovals()
    {
        Assert.That(Load("{}", "/srv/mcpgw").Approvals, Is.Null);
    }

    [Test]
    public void Load_ApprovalsMistakes_ReportsEveryOneAtOnce()
    {
        var postgresWithoutConnection = Assert.Throws<InvalidConfigurationException>(() => Load("""{ "policy": { "rules": [] }, "approvals": { "store": "postgres", "progressInterval": "00:00:00" } }""", "/srv"));
        var unknownStore = Assert.Throws<InvalidConfigurationException>(() => Load("""{ "policy": { "rules": [] }, "approvals": { "store": "redis" } }""", "/srv"));

        Assert.That(postgresWithoutConnection!.Errors, Is.EquivalentTo(new[] { "approvals.connectionString: required with store postgres", "approvals.progressInterval: must be positive" }));
        Assert.That(unknownStore!.Errors, Is.EquivalentTo(new[] { "approvals.store: 'redis' is not one of sqlite, postgres" }));
    }

    private static bool Same(ApprovalRequirement a, ApprovalRequirement b) =>
        a.ApproverGroups.SequenceEqual(b.ApproverGroups) && a.RequiredApprovals == b.RequiredApprovals && a.Timeout == b.Timeout && a.MaxGrant == b.MaxGrant;

    private static GatewaySettings Load(string extra, string baseDirectory)
    {
        var json = $$"""
            {
              "listen": "127.0.0.1:7400",
              "auth": { "mode": "none" },
              "connections": { "db": { "transport": "tcp", "host": "127.0.0.1", "port": 5432 } }
            }
            """;
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)))
            .AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(extra)))
            .Build();
        return GatewayConfiguration.Load(configuration, baseDirectory);
    }
}
