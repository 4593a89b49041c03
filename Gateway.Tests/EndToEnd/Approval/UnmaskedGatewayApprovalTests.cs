using System.Text;
using McpGateway.Inspectors.Approval;
using McpGateway.Core.Recording;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.Approval;

/// <summary>
/// A gateway without a <c>masking</c> section: what approvers are shown of a held call (notice, desk, approval record)
/// is still masked with every built-in detector, because a notice leaves the gateway (e.g. to a chat webhook).
/// </summary>
[TestFixture]
internal sealed class UnmaskedGatewayApprovalTests
{
    private const string PlantedToken = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";

    [Test]
    [CancelAfter(60_000)]
    public async Task Notice_NoMaskingSection_ArgumentsStillMaskedForApprovers(CancellationToken cancellationToken)
    {
        // The arguments are mostly the token: only an approver who may reveal them may approve the call.
        await using var rig = await ApprovalRig.StartAsync(new ManualTimeProvider(), cancellationToken, """{ "progressInterval": "00:00:05", "revealGroups": [ "approvers" ] }""", masking: false);
        var (client, sessionId) = await rig.ConnectAsync(cancellationToken);
        await using var _ = client;
        var target = Path.Combine(rig.Files, "token.txt");

        await ApprovalRig.SendCallAsync(client, "t1", ApprovalRig.WriteFile(target, "token=" + PlantedToken), cancellationToken);
        var pending = await rig.WaitForPendingAsync(sessionId, "write_file", cancellationToken);
        while (!rig.Notifier.Notices.Any(n => n.RequestId == pending.Id))
        {
            await Task.Delay(20, cancellationToken);
        }

        await rig.Desk.VoteAsync(pending.Id, ApprovalRig.Alice, new ApprovalVote(true, null), cancellationToken);
        var response = await client.ReadResponseAsync("t1", cancellationToken);

        var notice = rig.Notifier.Notices.Single(n => n.RequestId == pending.Id);
        var requested = (await rig.AuditOfAsync(sessionId, cancellationToken)).Single(r => r.Record.Kind == AuditEventKind.ApprovalRequested).Record;
        Assert.Multiple(() =>
        {
            Assert.That(notice.MaskedArguments, Does.Contain("[MASKED:github_token:").And.Not.Contain(PlantedToken));
            Assert.That(pending.MaskedArguments, Does.Not.Contain(PlantedToken));
            Assert.That(Encoding.UTF8.GetString(requested.Payload!), Does.Contain("[MASKED:github_token:").And.Not.Contain(PlantedToken));
            Assert.That(response["result"], Is.Not.Null, response.ToJsonString());
        });
        Assert.That(await File.ReadAllTextAsync(target, cancellationToken), Is.EqualTo("token=" + PlantedToken), "the upstream gets the arguments unchanged");
    }
}
