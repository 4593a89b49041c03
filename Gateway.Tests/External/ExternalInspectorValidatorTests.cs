using McpGateway.Inspectors;
using System.Text;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors.External;
using Microsoft.Extensions.Configuration;

namespace McpGateway.Tests.External;

[TestFixture]
internal sealed class ExternalInspectorValidatorTests
{
    private static GatewaySettings Settings(string externalInspectors, string inspectors = "[ \"x\" ]", string extra = "") =>
        GatewayConfiguration.Load(new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes($$"""
            {
              "listen": "127.0.0.1:0",
              "auth": { "mode": "none" },
              "inspectors": {{inspectors}},
              "externalInspectors": {{externalInspectors}},
              {{extra}}
              "connections": { "c": { "transport": "tcp", "host": "127.0.0.1", "port": 1 } }
            }
            """))).Build(), "/tmp");

    /// <summary>The loader's errors: the section's mistakes are reported with the rest of the file's.</summary>
    private static IReadOnlyList<string> Errors(Func<GatewaySettings> load) =>
        Assert.Throws<InvalidConfigurationException>(() => load())!.Errors;

    [Test]
    public void Load_StdioEntry_ResolvesRelativeCommandAndAppliesDefaults()
    {
        var inspector = ExternalInspectorValidator.Load(Settings("""{ "x": { "transport": "stdio", "command": "./bin/inspect", "args": [ "a" ] } }""")).Single();

        Assert.Multiple(() =>
        {
            Assert.That(inspector.Transport, Is.EqualTo(ExternalTransport.Stdio));
            Assert.That(inspector.Command, Is.EqualTo("/tmp/bin/inspect"));
            Assert.That(inspector.Args, Is.EqualTo(new[] { "a" }));
            Assert.That(inspector.Budget, Is.EqualTo(ExternalInspectorSettings.DefaultBudget));
            Assert.That(inspector.MaxConcurrency, Is.EqualTo(ExternalInspectorSettings.DefaultMaxConcurrency));
            Assert.That(inspector.FailOpen, Is.False);
            Assert.That(inspector.Approval, Is.Null);
        });
    }

    [Test]
    public void Load_BareCommandName_IsLookedUpOnPath()
    {
        var inspector = ExternalInspectorValidator.Load(Settings("""{ "x": { "transport": "stdio", "command": "python3" } }""")).Single();

        Assert.That(inspector.Command, Is.EqualTo("python3"));
    }

    [Test]
    public void Load_TcpEntry_ParsesHostAndPort()
    {
        var inspector = ExternalInspectorValidator.Load(Settings("""{ "x": { "transport": "tcp", "address": "127.0.0.1:7600", "budget": "00:00:00.050", "maxConcurrency": 4 } }""")).Single();

        Assert.Multiple(() =>
        {
            Assert.That(inspector.Host, Is.EqualTo("127.0.0.1"));
            Assert.That(inspector.Port, Is.EqualTo(7600));
            Assert.That(inspector.Budget, Is.EqualTo(TimeSpan.FromMilliseconds(50)));
            Assert.That(inspector.MaxConcurrency, Is.EqualTo(4));
        });
    }

    [Test]
    public void Load_EveryMistake_ReportedAtOnceWithItsPath()
    {
        var errors = Errors(() => Settings("""
            {
              "x": { "transport": "tcp", "address": "no-port", "command": "a", "budget": "-00:00:01", "maxConcurrency": 0, "onFailure": "sometimes" },
              "y": { "transport": "pigeon" },
              "masking": { "transport": "unix" }
            }
            """, inspectors: """[ "x", "masking" ]"""));

        Assert.That(errors, Is.SupersetOf(new[]
        {
            "externalInspectors.x.address: required with transport tcp, as host:port, e.g. \"127.0.0.1:7600\"",
            "externalInspectors.x: command, args, workingDirectory and env apply to transport stdio only, not tcp",
            "externalInspectors.x.budget: must be positive",
            "externalInspectors.x.maxConcurrency: must be positive, was 0",
            "externalInspectors.x.onFailure: 'sometimes' is not one of closed, open",
            "externalInspectors.y: not placed in the chain; name it in \"inspectors\" where it should run",
            "externalInspectors.y.transport: 'pigeon' is not one of stdio, tcp, unix",
            "externalInspectors.masking: 'masking' is the name of a built-in inspector",
            "externalInspectors.masking.path: required with transport unix",
        }));
    }

    [Test]
    public void Load_EmptyEntry_ReportedNotSkipped()
    {
        var errors = Errors(() => Settings("""{ "x": { } }"""));

        Assert.That(errors, Has.Some.StartsWith("externalInspectors.x.transport:"));
    }

    [Test]
    public void Load_FailOpenWithoutAudit_RefusedBecausePassesMustBeRecorded()
    {
        var errors = Errors(() => Settings("""{ "x": { "transport": "tcp", "address": "127.0.0.1:1", "onFailure": "open" } }"""));

        Assert.That(errors, Does.Contain("externalInspectors.x.onFailure: open needs the audit section, because every frame let through unchecked is recorded"));
    }

    [Test]
    public void Load_FailOpenWithAudit_Accepted()
    {
        var inspector = ExternalInspectorValidator.Load(Settings("""{ "x": { "transport": "tcp", "address": "127.0.0.1:1", "onFailure": "open" } }""", extra: "\"audit\": { \"path\": \"audit.db\" },")).Single();

        Assert.That(inspector.FailOpen, Is.True);
    }

    [Test]
    public void Load_ApprovalWithoutApprovalStoreOrGroups_Refused()
    {
        var errors = Errors(() => Settings("""{ "x": { "transport": "tcp", "address": "127.0.0.1:1", "approval": { "requiredApprovals": 0 } } }"""));

        Assert.That(errors, Is.SupersetOf(new[]
        {
            "externalInspectors.x.approval: needs the approvals section (or a policy), where held calls are kept",
            "externalInspectors.x.approval.approverGroups: at least one group whose members may decide",
            "externalInspectors.x.approval.requiredApprovals: must be positive, was 0",
        }));
    }

    [Test]
    public void Load_ApprovalWithStore_BecomesRequirement()
    {
        var inspector = ExternalInspectorValidator.Load(Settings(
            """{ "x": { "transport": "unix", "path": "inspect.sock", "approval": { "approverGroups": [ "ops" ], "timeout": "00:02:00" } } }""",
            extra: "\"approvals\": { \"path\": \"approvals.db\" },")).Single();

        Assert.Multiple(() =>
        {
            Assert.That(inspector.SocketPath, Is.EqualTo("/tmp/inspect.sock"));
            Assert.That(inspector.Approval!.ApproverGroups, Is.EqualTo(new[] { "ops" }));
            Assert.That(inspector.Approval.RequiredApprovals, Is.EqualTo(1));
            Assert.That(inspector.Approval.Timeout, Is.EqualTo(TimeSpan.FromMinutes(2)));
        });
    }

    [Test]
    public void Load_SampleConfiguration_IsValid()
    {
        var path = Path.Combine(Infrastructure.RepoPaths.Root, "samples", "configs", "external-inspectors.json");

        var inspectors = ExternalInspectorValidator.Load(GatewayConfiguration.LoadFile(path));

        Assert.That(inspectors.Select(i => i.Name), Is.EquivalentTo(new[] { "deny-list", "approval-hold" }));
    }
}
