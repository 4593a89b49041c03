using System.Text;
using System.Text.Json.Nodes;
using McpGateway.Inspectors.Approval;
using McpGateway.Core.Recording;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.Approval;

/// <summary>
/// Progress the gateway sends while a call is held is a frame of its own: each one the client reads passed the chain's
/// tail and has exactly one audit record (verdict <c>generated</c>), committed before the frame reached the wire.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class ApprovalProgressRecordingTests
{
    private readonly ManualTimeProvider _clock = new();
    private ApprovalRig _rig = null!;

    [OneTimeSetUp]
    public async Task StartGateway()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        _rig = await ApprovalRig.StartAsync(_clock, timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopGateway() => await _rig.DisposeAsync();

    [Test]
    [CancelAfter(30_000)]
    public async Task HeldCallWithProgress_ThreeProgressFrames_EachRecordedOnceBeforeItReachedTheClient(CancellationToken cancellationToken)
    {
        var (client, sessionId) = await _rig.ConnectAsync(cancellationToken);
        await using var _ = client;
        var progress = new List<string>();
        var recordedWhenRead = new List<int>();

        await ApprovalRig.SendCallAsync(client, "p1", ApprovalRig.WriteFile(Path.Combine(_rig.Files, "progress.txt"), "x", new JsonObject { ["progressToken"] = "tok-1" }), cancellationToken);
        var pending = await _rig.WaitForPendingAsync(sessionId, "write_file", cancellationToken);
        for (var i = 0; i < 3; i++)
        {
            _clock.Advance(ApprovalRig.ProgressInterval);
            progress.Add((await client.ReadLineAsync(cancellationToken))!);
            recordedWhenRead.Add(Generated(await _rig.AuditOfAsync(sessionId, cancellationToken)).Count());
        }

        await _rig.Desk.VoteAsync(pending.Id, ApprovalRig.Alice, new ApprovalVote(true, null), cancellationToken);
        var response = await client.ReadResponseAsync("p1", cancellationToken);
        Assert.That(response["result"], Is.Not.Null, response.ToJsonString());

        var toClient = (await _rig.AuditOfAsync(sessionId, cancellationToken)).Select(r => r.Record)
            .Where(r => r.Kind == AuditEventKind.Frame && r.Direction == "upstream_to_client").ToList();
        var generated = Generated(toClient.Select(r => new StoredAuditRecord(0, r, [], []))).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(progress.Select(l => (string?)JsonNode.Parse(l)!["method"]), Is.All.EqualTo("notifications/progress"));
            Assert.That(recordedWhenRead, Is.EqualTo(new[] { 1, 2, 3 }), "each progress frame's record was committed before the client could read it");
            Assert.That(generated.Select(r => Encoding.UTF8.GetString(r.Payload!)), Is.EqualTo(progress), "one record per progress frame, keeping what went on the wire");
            Assert.That(generated.Select(r => (r.MessageKind, r.Inspector)), Is.All.EqualTo(("notification", "gateway")));

            // On the wire after authenticating: the initialize response, three progress frames, the call's response.
            Assert.That(toClient.Select(r => r.RpcId ?? r.Method), Is.EqualTo(new[] { "0", "notifications/progress", "notifications/progress", "notifications/progress", "\"p1\"" }));
        });
    }

    private static IEnumerable<AuditRecord> Generated(IEnumerable<StoredAuditRecord> records) =>
        records.Select(r => r.Record).Where(r => r.Verdict == "generated" && r.Method == "notifications/progress");
}
