using System.Text.Json.Nodes;
using McpGateway.Inspectors.Approval;
using McpGateway.Core.Identity;
using McpGateway.Tests.EndToEnd.Approval;
using McpGateway.Tests.EndToEnd.External;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Tests.Samples;

/// <summary>
/// samples/inspectors/approval-hold-ts: built with the TypeScript compiler in peers/, its own node:test suite, and the
/// built inspector started by a gateway with an approval store, holding a call to a tool its config tags until an
/// approver decides (the gateway keeps the held call and its approvers, as for an approve rule).
/// </summary>
[TestFixture]
internal sealed class ApprovalHoldInspectorSampleTests
{
    private const string Name = "approval-hold";

    private static readonly GatewayIdentity Approver = new("carol", null, ["approvers"], DateTimeOffset.MaxValue, "hash-carol");

    private static string SampleDirectory => Path.Combine(RepoPaths.Root, "samples", "inspectors", "approval-hold-ts");

    private string _built = null!;
    private ExternalInspectorRig _rig = null!;

    private IApprovalDesk Desk => _rig.Gateway.Application.Services.GetRequiredService<IApprovalDesk>();

    [OneTimeSetUp]
    public async Task BuildAndStartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        NodePeers.EnsureInstalled();
        _built = Directory.CreateTempSubdirectory("mcpgw-approval-hold-").FullName;
        await using (var tsc = ChildProcess.Start("node", [Path.Combine(RepoPaths.NodeModules, "typescript", "bin", "tsc"), "-p", SampleDirectory, "--outDir", _built]))
        {
            await tsc.WaitForExitAsync(timeout.Token);
            Assert.That(tsc.ExitCode, Is.EqualTo(0), tsc.Describe());
        }

        // The sample's config tags server-everything's echo as "writes", so that calling it is held.
        var tags = Path.Combine(_built, "tags.json");
        await File.WriteAllTextAsync(tags, """{ "tags": { "echo": ["writes"], "get-sum": ["reads"] }, "hold": ["writes"] }""", timeout.Token);
        var inspector = new JsonObject
        {
            ["transport"] = "stdio",
            ["command"] = "node",
            ["args"] = new JsonArray(Path.Combine(_built, "src", "inspector.js"), tags),
            ["approval"] = new JsonObject { ["approverGroups"] = new JsonArray("approvers"), ["timeout"] = "00:01:00" },
        };
        _rig = await ExternalInspectorRig.StartAsync(inspector, timeout.Token, new JsonObject
        {
            ["audit"] = new JsonObject { ["path"] = "audit.db" },
            ["approvals"] = new JsonObject { ["path"] = "approvals.db" },
        }, name: Name);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }

        Directory.Delete(_built, recursive: true);
    }

    [Test]
    [CancelAfter(60000)]
    public async Task NodeTests_SampleSuite_Pass(CancellationToken cancellationToken)
    {
        await using var run = ChildProcess.Start("node", ["--test", Path.Combine(_built, "test")]);
        await run.WaitForExitAsync(cancellationToken);

        Assert.That(run.ExitCode, Is.EqualTo(0), run.Describe());
    }

    [Test]
    [CancelAfter(30000)]
    public async Task ToolsCall_TaggedTool_HeldUntilApprovedThenAnswered(CancellationToken cancellationToken)
    {
        var (client, sessionId) = await _rig.ConnectAsync(cancellationToken);
        await using var _ = client;

        await client.SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = "tools/call", ["params"] = ExternalInspectorRig.Echo("ship it") }, cancellationToken);
        var pending = await ApprovalRig.WaitForPendingAsync(Desk, sessionId, "echo", cancellationToken);
        var untagged = await client.RequestAsync(2, "tools/call", new JsonObject { ["name"] = "get-sum", ["arguments"] = new JsonObject { ["a"] = 1, ["b"] = 2 } }, cancellationToken);
        await Desk.VoteAsync(pending.Id, Approver, new ApprovalVote(true, "fine"), cancellationToken);
        var answered = await client.ReadResponseAsync(1, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(pending.RuleId, Is.EqualTo(Name), "the inspector's name stands for the rule");
            Assert.That(pending.ApproverGroups, Is.EqualTo(new[] { "approvers" }));
            Assert.That(untagged["result"], Is.Not.Null, "an untagged tool is not held, and passes while the other call waits");
            Assert.That(ExternalInspectorRig.Text(answered), Is.EqualTo("Echo: ship it"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task ToolsCall_TaggedToolDenied_ClientGetsApprovalDeniedNamingInspector(CancellationToken cancellationToken)
    {
        var (client, sessionId) = await _rig.ConnectAsync(cancellationToken);
        await using var _ = client;

        await client.SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = "tools/call", ["params"] = ExternalInspectorRig.Echo("drop it") }, cancellationToken);
        var pending = await ApprovalRig.WaitForPendingAsync(Desk, sessionId, "echo", cancellationToken);
        await Desk.VoteAsync(pending.Id, Approver, new ApprovalVote(false, "not today"), cancellationToken);
        var answered = await client.ReadResponseAsync(1, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(ExternalInspectorRig.Code(answered), Is.EqualTo(-31004));
            Assert.That(ExternalInspectorRig.Rule(answered), Is.EqualTo(Name));
        });
    }
}
