using System.Text.Json.Nodes;
using McpGateway.Inspectors.Approval;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.Approval;

/// <summary>
/// <c>approvals.webhook</c> in a real gateway: a held call's notice reaches a real local endpoint that fails first,
/// with the arguments masked, and links to the admin listener's real address although it was configured with port 0.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class WebhookEndToEndTests
{
    /// <summary>An AWS access key id planted in the held call's arguments: the posted message must not carry it.</summary>
    private const string PlantedKey = "AKIAQ3EGUNB7XKZL2R4P";

    /// <summary>A file holding the key among enough visible text that masking hides under a quarter of it (else only a reveal group may approve).</summary>
    private const string KeyNote = "key " + PlantedKey + " is the staging deploy key; the platform team rotates it every Monday";

    [Test]
    [CancelAfter(60_000)]
    public async Task HeldCall_WebhookFailsOnceThenTakesIt_MaskedNoticeWithTheBoundAdminUrl(CancellationToken cancellationToken)
    {
        await using var receiver = await WebhookReceiver.StartAsync(cancellationToken, (503, "0"));
        await using var rig = await ApprovalRig.StartAsync(null, cancellationToken, approvals: $$"""{ "webhook": { "url": "{{receiver.Url}}", "retries": 2 } }""");
        var (client, sessionId) = await rig.ConnectAsync(cancellationToken);
        await using var _ = client;
        await ApprovalRig.SendCallAsync(client, "w", ApprovalRig.WriteFile(Path.Combine(rig.Files, "hooked.txt"), KeyNote), cancellationToken);
        var pending = await rig.WaitForPendingAsync(sessionId, "write_file", cancellationToken);
        while (receiver.Received.Count < 2)
        {
            await Task.Delay(20, cancellationToken);
        }

        var body = receiver.Received.Last().Body;
        var message = JsonNode.Parse(body)!;
        var adminUrl = $"http://127.0.0.1:{rig.Gateway.Application.AdminEndpoint!.Port}/approvals/{pending.Id}";
        await rig.Desk.VoteAsync(pending.Id, ApprovalRig.Alice, new ApprovalVote(true, "seen the notice"), cancellationToken);
        var response = await client.ReadResponseAsync("w", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(rig.Gateway.Application.AdminEndpoint.Port, Is.Not.Zero);
            Assert.That(body, Does.Not.Contain(PlantedKey), "the webhook gets masked arguments only");
            Assert.That(body, Does.Contain("[MASKED:aws_access_key:"));
            Assert.That((string?)message["text"], Does.Contain($"mcpgw approvals approve {pending.Id}").And.Contain($"POST {adminUrl}/approve"));
            Assert.That(rig.Notifier.Notices.Single(n => n.RequestId == pending.Id).ApproveUrl, Is.EqualTo(new Uri(adminUrl)));
            Assert.That(response["result"], Is.Not.Null, response.ToJsonString());
        });
    }
}
