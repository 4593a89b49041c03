using System.Text.Json.Nodes;
using McpGateway.Inspectors.Approval;
using McpGateway.Core.Diagnostics;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Tests.EndToEnd.Approval;

/// <summary>
/// What one identity can make the approval gate hold and announce: at most <c>approvals.maxHeldPerIdentity</c> calls at
/// once (over all its sessions), and at most <c>approvals.maxNoticesPerWindow</c> notices per rule and window.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class ApprovalLimitsTests
{
    [Test]
    [CancelAfter(60_000)]
    public async Task Hold_BeyondMaxHeldPerIdentity_Gets31009TooManyHeldCallsWhileTheFirstStayHeld(CancellationToken cancellationToken)
    {
        await using var rig = await ApprovalRig.StartAsync(null, cancellationToken, approvals: """{ "maxHeldPerIdentity": 3 }""");
        var (first, firstSession) = await rig.ConnectAsync(cancellationToken);
        await using var _ = first;
        var (second, secondSession) = await rig.ConnectAsync(cancellationToken);
        await using var __ = second;

        // Two sessions of the same identity (auth none: anonymous) share its three places.
        await ApprovalRig.SendCallAsync(first, "w1", ApprovalRig.WriteFile(Path.Combine(rig.Files, "one.txt"), "1"), cancellationToken);
        var one = await rig.WaitForPendingAsync(firstSession, "write_file", cancellationToken);
        await ApprovalRig.SendCallAsync(first, "w2", ApprovalRig.WriteFile(Path.Combine(rig.Files, "two.txt"), "2"), cancellationToken);
        var two = await rig.WaitForPendingAsync(firstSession, "write_file", cancellationToken, one.Id);
        await ApprovalRig.SendCallAsync(second, "w3", ApprovalRig.WriteFile(Path.Combine(rig.Files, "three.txt"), "3"), cancellationToken);
        var three = await rig.WaitForPendingAsync(secondSession, "write_file", cancellationToken);
        await ApprovalRig.SendCallAsync(second, "w4", ApprovalRig.WriteFile(Path.Combine(rig.Files, "four.txt"), "4"), cancellationToken);
        var refused = await second.ReadResponseAsync("w4", cancellationToken);
        var pendingAfterRefusal = await rig.Desk.ListAsync(ApprovalState.Pending, cancellationToken);

        // A decision gives its place back: the next call is held again.
        await rig.Desk.VoteAsync(one.Id, ApprovalRig.Alice, new ApprovalVote(true, "fine"), cancellationToken);
        var approved = await first.ReadResponseAsync("w1", cancellationToken);
        await ApprovalRig.SendCallAsync(second, "w5", ApprovalRig.WriteFile(Path.Combine(rig.Files, "five.txt"), "5"), cancellationToken);
        var five = await rig.WaitForPendingAsync(secondSession, "write_file", cancellationToken, three.Id);

        Assert.Multiple(() =>
        {
            Assert.That((int?)refused["error"]?["code"], Is.EqualTo(-31009), refused.ToJsonString());
            Assert.That((string?)refused["error"]?["data"]?["reason"], Is.EqualTo("too_many_held_calls"));
            Assert.That(pendingAfterRefusal.Select(p => p.Id), Is.EquivalentTo(new[] { one.Id, two.Id, three.Id }), "the three held calls stay held");
            Assert.That(File.Exists(Path.Combine(rig.Files, "four.txt")), Is.False);
            Assert.That(approved["result"], Is.Not.Null, approved.ToJsonString());
            Assert.That(five.Id, Is.Not.EqualTo(three.Id));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Notify_BeyondMaxNoticesPerWindow_DroppedAndCountedWhileEveryCallStaysHeld(CancellationToken cancellationToken)
    {
        await using var receiver = await WebhookReceiver.StartAsync(cancellationToken);
        await using var rig = await ApprovalRig.StartAsync(null, cancellationToken, approvals: $$"""{ "maxNoticesPerWindow": 2, "webhook": { "url": "{{receiver.Url}}", "retries": 0 } }""");
        var exporter = rig.Gateway.Application.Services.GetRequiredService<PrometheusExporter>();
        var (client, sessionId) = await rig.ConnectAsync(cancellationToken);
        await using var _ = client;

        // Five calls under rule writes (two notices, three dropped), one under rule mkdir-two (its own allowance).
        for (var i = 1; i <= 5; i++)
        {
            await ApprovalRig.SendCallAsync(client, $"w{i}", ApprovalRig.WriteFile(Path.Combine(rig.Files, $"{i}.txt"), "x"), cancellationToken);
        }

        await ApprovalRig.SendCallAsync(client, "d1", new JsonObject { ["name"] = "create_directory", ["arguments"] = new JsonObject { ["path"] = Path.Combine(rig.Files, "dir") } }, cancellationToken);
        var allHeld = await Eventually.TrueAsync(async token => await PendingOfAsync(rig, sessionId, token) == 6, TimeSpan.FromSeconds(30), cancellationToken);
        var counted = await Eventually.TrueAsync(() => Eventually.Metric(exporter, "mcpgw_approvals_notices_dropped_total") == 3, TimeSpan.FromSeconds(10), cancellationToken);
        var posted = await Eventually.TrueAsync(() => receiver.Received.Count == 3 && rig.Notifier.Notices.Count == 3, TimeSpan.FromSeconds(10), cancellationToken);
        var listed = await client.RequestAsync("list", "tools/list", null, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(allHeld, Is.True, "every call is held, announced or not");
            Assert.That(counted, Is.True, $"dropped: {Eventually.Metric(exporter, "mcpgw_approvals_notices_dropped_total")}");
            Assert.That(posted, Is.True, $"posted: {receiver.Received.Count}, captured: {rig.Notifier.Notices.Count}");
            Assert.That(receiver.Received.Count(r => r.Body.Contains("Approval needed: write_file", StringComparison.Ordinal)), Is.EqualTo(2));
            Assert.That(receiver.Received.Count(r => r.Body.Contains("Approval needed: create_directory", StringComparison.Ordinal)), Is.EqualTo(1));
            Assert.That(rig.Notifier.Notices, Has.Count.EqualTo(3), "every notifier gets the same allowance");
            Assert.That(listed["result"]?["tools"], Is.Not.Null, "the frame path is not held up");
        });
    }

    private static async Task<int> PendingOfAsync(ApprovalRig rig, string sessionId, CancellationToken cancellationToken) =>
        (await rig.Desk.ListAsync(ApprovalState.Pending, cancellationToken)).Count(p => p.SessionId == sessionId);
}
