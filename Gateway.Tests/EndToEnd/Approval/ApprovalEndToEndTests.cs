using System.Text;
using System.Text.Json.Nodes;
using McpGateway.Inspectors.Approval;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.Recording;
using McpGateway.Host.Commands;
using McpGateway.Inspectors.Recording;
using Microsoft.Data.Sqlite;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Tests.EndToEnd.Approval;

/// <summary>
/// Just-in-time approvals against the real npm server-filesystem: a held <c>write_file</c> creates its file only after
/// a matching approval, and never after a deny, a timeout, a cancellation or a disconnect. Approvers vote through the
/// gateway's <see cref="IApprovalDesk"/>; time moves only when a test advances the gateway's clock.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class ApprovalEndToEndTests
{
    /// <summary>An AWS access key id planted in held arguments: no notice, view or audit record may carry it.</summary>
    private const string PlantedKey = "AKIAQ3EGUNB7XKZL2R4P";

    /// <summary>A file holding the key among enough visible text that masking hides under a quarter of it (else only a reveal group may approve).</summary>
    private const string KeyNote = "key " + PlantedKey + " is the staging deploy key; the platform team rotates it every Monday";

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

    private string FileIn(string name) => Path.Combine(_rig.Files, name);

    [Test]
    [CancelAfter(30_000)]
    public async Task Approve_HeldWriteApprovedAtTheDesk_ExecutesOnlyThenAndOtherFramesFlowMeanwhile(CancellationToken cancellationToken)
    {
        var (client, sessionId) = await _rig.ConnectAsync(cancellationToken);
        await using var _ = client;
        var target = FileIn("approved.txt");

        await ApprovalRig.SendCallAsync(client, "w1", ApprovalRig.WriteFile(target, KeyNote), cancellationToken);
        var pending = await _rig.WaitForPendingAsync(sessionId, "write_file", cancellationToken);
        var listed = await client.RequestAsync("list-while-held", "tools/list", null, cancellationToken);
        using var exporter = new PrometheusExporter(_rig.Gateway.Application.Services.GetRequiredService<GatewayMetrics>());
        var gauge = exporter.Write();
        Assert.Multiple(() =>
        {
            Assert.That(listed["result"]?["tools"], Is.Not.Null, "other frames keep flowing while a call is held");
            Assert.That(File.Exists(target), Is.False, "nothing executes before the approval");
            Assert.That(gauge, Does.Contain("mcpgw_approvals_pending 1"));
            Assert.That((pending.RuleId, pending.Subject, pending.Connection, pending.RequiredApprovals), Is.EqualTo(("writes", "anonymous", "files", 1)));
            Assert.That(pending.MaskedArguments, Does.Contain("[MASKED:aws_access_key:").And.Not.Contain(PlantedKey));
        });

        var vote = await _rig.Desk.VoteAsync(pending.Id, ApprovalRig.Alice, new ApprovalVote(true, "reviewed"), cancellationToken);
        var response = await client.ReadResponseAsync("w1", cancellationToken);

        Assert.That(vote, Is.EqualTo(ApprovalVoteResult.Decided));
        Assert.That(response["result"], Is.Not.Null, response.ToJsonString());
        Assert.That(await File.ReadAllTextAsync(target, cancellationToken), Is.EqualTo(KeyNote), "the original arguments, unchanged");
        while (!_rig.Notifier.Notices.Any(n => n.RequestId == pending.Id))
        {
            await Task.Delay(20, cancellationToken);
        }

        var notice = _rig.Notifier.Notices.Single(n => n.RequestId == pending.Id);
        Assert.Multiple(() =>
        {
            Assert.That(notice.MaskedArguments, Does.Contain("[MASKED:aws_access_key:").And.Not.Contain(PlantedKey));
            Assert.That(notice.ApproveCommand, Is.EqualTo($"mcpgw approvals approve {pending.Id}"));
            Assert.That(notice.ApproverGroups, Is.EqualTo(new[] { "approvers" }));
        });

        var audit = await _rig.AuditOfAsync(sessionId, cancellationToken);
        var held = audit.Single(r => r.Record.Kind == AuditEventKind.ApprovalRequested).Record;
        var frames = audit.Where(r => r.Record.Kind == AuditEventKind.Frame && r.Record.FrameSequence == held.FrameSequence).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(frames.Select(f => f.Record.Verdict), Is.EqualTo(new[] { "forwarded" }), "the held frame yields exactly one frame record");
            Assert.That(audit.Single(r => r.Record.Kind == AuditEventKind.ApprovalVote).Record.Subject, Is.EqualTo("alice"));
            Assert.That(audit.Single(r => r.Record.Kind == AuditEventKind.ApprovalDecided).Record.Verdict, Is.EqualTo("approved"));
            Assert.That(audit.Count(r => r.Record.Payload is { } p && Encoding.UTF8.GetString(p).Contains(PlantedKey, StringComparison.Ordinal)), Is.Zero);
        });

        using var replay = new StringWriter();
        Assert.That(await ReplayCommand.RunAsync([sessionId, "--config", _rig.ConfigPath], replay, TextWriter.Null, cancellationToken), Is.Zero);
        Assert.That(replay.ToString(), Does.Contain("approval_requested (anonymous)").And.Contain("approval_vote (alice)").And.Contain("approval_decided (anonymous)"));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Deny_HeldWrite_Gets31004WithApproverAndReasonAndNeverExecutes(CancellationToken cancellationToken)
    {
        var (client, sessionId) = await _rig.ConnectAsync(cancellationToken);
        await using var _ = client;
        var target = FileIn("denied.txt");

        await ApprovalRig.SendCallAsync(client, "w2", ApprovalRig.WriteFile(target, "nope"), cancellationToken);
        var pending = await _rig.WaitForPendingAsync(sessionId, "write_file", cancellationToken);
        var vote = await _rig.Desk.VoteAsync(pending.Id, ApprovalRig.Bob, new ApprovalVote(false, "not during the freeze"), cancellationToken);
        var response = await client.ReadResponseAsync("w2", cancellationToken);
        var late = await _rig.Desk.VoteAsync(pending.Id, ApprovalRig.Alice, new ApprovalVote(true, null), cancellationToken);

        var data = response["error"]?["data"];
        Assert.Multiple(() =>
        {
            Assert.That(vote, Is.EqualTo(ApprovalVoteResult.Decided));
            Assert.That((int?)response["error"]?["code"], Is.EqualTo(-31004), response.ToJsonString());
            Assert.That((string?)data?["reason"], Is.EqualTo("approval_denied"));
            Assert.That((string?)data?["rule"], Is.EqualTo("writes"));
            Assert.That((string?)data?["approver"], Is.EqualTo("bob"));
            Assert.That((string?)data?["approverReason"], Is.EqualTo("not during the freeze"));
            Assert.That(late, Is.EqualTo(ApprovalVoteResult.NotPending));
        });
        await AssertNeverWrittenAsync(client, target, cancellationToken);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Timeout_NoDecisionWithinTheRuleTimeout_Gets31005AndALateApprovalDoesNothing(CancellationToken cancellationToken)
    {
        var (client, sessionId) = await _rig.ConnectAsync(cancellationToken);
        await using var _ = client;
        var target = FileIn("timed-out.txt");

        await ApprovalRig.SendCallAsync(client, "w3", ApprovalRig.WriteFile(target, "late"), cancellationToken);
        var pending = await _rig.WaitForPendingAsync(sessionId, "write_file", cancellationToken);
        _clock.Advance(ApprovalRig.ApprovalTimeout);
        var response = await client.ReadResponseAsync("w3", cancellationToken);
        var late = await _rig.Desk.VoteAsync(pending.Id, ApprovalRig.Alice, new ApprovalVote(true, null), cancellationToken);

        Assert.That((int?)response["error"]?["code"], Is.EqualTo(-31005), response.ToJsonString());
        Assert.That((string?)response["error"]?["data"]?["reason"], Is.EqualTo("approval_timed_out"));
        Assert.That(late, Is.EqualTo(ApprovalVoteResult.NotPending));
        Assert.That((await _rig.Desk.GetAsync(pending.Id, cancellationToken))!.State, Is.EqualTo(ApprovalState.TimedOut));
        await AssertNeverWrittenAsync(client, target, cancellationToken);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Cancel_ClientCancelsTheHeldCall_WithdrawnNoResponseAndALateApprovalDoesNothing(CancellationToken cancellationToken)
    {
        var (client, sessionId) = await _rig.ConnectAsync(cancellationToken);
        await using var _ = client;
        var target = FileIn("cancelled.txt");

        await ApprovalRig.SendCallAsync(client, "w4", ApprovalRig.WriteFile(target, "cancelled"), cancellationToken);
        var pending = await _rig.WaitForPendingAsync(sessionId, "write_file", cancellationToken);
        await client.SendAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"w4","reason":"user gave up"}}""", cancellationToken);
        await _rig.WaitForStateAsync(pending.Id, ApprovalState.Withdrawn, cancellationToken);
        var late = await _rig.Desk.VoteAsync(pending.Id, ApprovalRig.Alice, new ApprovalVote(true, null), cancellationToken);

        Assert.That(late, Is.EqualTo(ApprovalVoteResult.NotPending));
        var others = new List<JsonObject>();
        await client.RequestAsync("after-cancel", "ping", null, cancellationToken, others);
        Assert.That(others.Where(m => (string?)m["id"] == "w4"), Is.Empty, "a cancelled request gets no response");
        await AssertNeverWrittenAsync(client, target, cancellationToken);
        var audit = await _rig.AuditOfAsync(sessionId, cancellationToken);
        Assert.That(audit.Single(r => r.Record.Kind == AuditEventKind.Frame && r.Record.RpcId == "\"w4\"").Record.Verdict, Is.EqualTo("withdrawn"));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Disconnect_ClientGoesAwayWhileHeld_WithdrawnAndALateApprovalDoesNothing(CancellationToken cancellationToken)
    {
        var (client, sessionId) = await _rig.ConnectAsync(cancellationToken);
        var target = FileIn("disconnected.txt");

        await ApprovalRig.SendCallAsync(client, "w5", ApprovalRig.WriteFile(target, "gone"), cancellationToken);
        var pending = await _rig.WaitForPendingAsync(sessionId, "write_file", cancellationToken);
        await client.DisposeAsync();
        await _rig.WaitForStateAsync(pending.Id, ApprovalState.Withdrawn, cancellationToken);
        var late = await _rig.Desk.VoteAsync(pending.Id, ApprovalRig.Alice, new ApprovalVote(true, null), cancellationToken);

        Assert.That(late, Is.EqualTo(ApprovalVoteResult.NotPending));
        await Task.Delay(200, cancellationToken);
        Assert.That(File.Exists(target), Is.False);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task SelfApproval_RequesterInTheApproverGroup_RefusedAndTheCallStaysHeld(CancellationToken cancellationToken)
    {
        var (client, sessionId) = await _rig.ConnectAsync(cancellationToken);
        await using var _ = client;
        var target = FileIn("self.txt");

        await ApprovalRig.SendCallAsync(client, "w6", ApprovalRig.WriteFile(target, "mine"), cancellationToken);
        var pending = await _rig.WaitForPendingAsync(sessionId, "write_file", cancellationToken);
        var self = await _rig.Desk.VoteAsync(pending.Id, ApprovalRig.Requester, new ApprovalVote(true, "trust me"), cancellationToken);

        Assert.That(self, Is.EqualTo(ApprovalVoteResult.SelfApproval));
        Assert.That((await _rig.Desk.GetAsync(pending.Id, cancellationToken))!.State, Is.EqualTo(ApprovalState.Pending));
        Assert.That(File.Exists(target), Is.False);
        await _rig.Desk.VoteAsync(pending.Id, ApprovalRig.Bob, new ApprovalVote(false, "cleanup"), cancellationToken);
        await client.ReadResponseAsync("w6", cancellationToken);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task TwoOfN_FirstApprovalCountedOnly_ExecutesAfterTheSecondDistinctApprover(CancellationToken cancellationToken)
    {
        var (client, sessionId) = await _rig.ConnectAsync(cancellationToken);
        await using var _ = client;
        var target = FileIn("two-of-n");

        await ApprovalRig.SendCallAsync(client, "d1", new JsonObject { ["name"] = "create_directory", ["arguments"] = new JsonObject { ["path"] = target } }, cancellationToken);
        var pending = await _rig.WaitForPendingAsync(sessionId, "create_directory", cancellationToken);
        var first = await _rig.Desk.VoteAsync(pending.Id, ApprovalRig.Alice, new ApprovalVote(true, null), cancellationToken);
        var again = await _rig.Desk.VoteAsync(pending.Id, ApprovalRig.Alice, new ApprovalVote(true, null), cancellationToken);
        await Task.Delay(200, cancellationToken);
        Assert.That(Directory.Exists(target), Is.False, "one approval of two executes nothing");

        var second = await _rig.Desk.VoteAsync(pending.Id, ApprovalRig.Bob, new ApprovalVote(true, null), cancellationToken);
        var response = await client.ReadResponseAsync("d1", cancellationToken);

        Assert.That((first, again, second), Is.EqualTo((ApprovalVoteResult.Counted, ApprovalVoteResult.AlreadyVoted, ApprovalVoteResult.Decided)));
        Assert.That(response["result"], Is.Not.Null, response.ToJsonString());
        Assert.That(Directory.Exists(target), Is.True);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task ArgumentChange_TwoHeldCalls_AnApprovalCoversOnlyTheCallItShows(CancellationToken cancellationToken)
    {
        var (client, sessionId) = await _rig.ConnectAsync(cancellationToken);
        await using var _ = client;
        var shown = FileIn("shown.txt");
        var other = FileIn("other.txt");

        await ApprovalRig.SendCallAsync(client, "a", ApprovalRig.WriteFile(shown, "reviewed content"), cancellationToken);
        var first = await _rig.WaitForPendingAsync(sessionId, "write_file", cancellationToken);
        await ApprovalRig.SendCallAsync(client, "b", ApprovalRig.WriteFile(other, "something else"), cancellationToken);
        var second = await _rig.WaitForPendingAsync(sessionId, "write_file", cancellationToken, first.Id);
        await _rig.Desk.VoteAsync(first.Id, ApprovalRig.Alice, new ApprovalVote(true, null), cancellationToken);
        var approved = await client.ReadResponseAsync("a", cancellationToken);

        Assert.That(approved["result"], Is.Not.Null, approved.ToJsonString());
        Assert.That(File.Exists(shown), Is.True);
        Assert.That(File.Exists(other), Is.False, "a call with other arguments needs its own approval");
        Assert.That((await _rig.Desk.GetAsync(second.Id, cancellationToken))!.State, Is.EqualTo(ApprovalState.Pending));
        await _rig.Desk.VoteAsync(second.Id, ApprovalRig.Alice, new ApprovalVote(false, null), cancellationToken);
        Assert.That((int?)(await client.ReadResponseAsync("b", cancellationToken))["error"]?["code"], Is.EqualTo(-31004));
        Assert.That(File.Exists(other), Is.False);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Grant_SameArgumentsForAPeriod_UsedWithoutAHoldRecordedAndExpiresByItself(CancellationToken cancellationToken)
    {
        var (client, sessionId) = await _rig.ConnectAsync(cancellationToken);
        await using var _ = client;
        var target = FileIn("granted.txt");
        var call = ApprovalRig.WriteFile(target, "v1");

        await ApprovalRig.SendCallAsync(client, "g1", call.DeepClone().AsObject(), cancellationToken);
        var pending = await _rig.WaitForPendingAsync(sessionId, "write_file", cancellationToken);
        var grant = await _rig.Desk.VoteAsync(pending.Id, ApprovalRig.Alice, new ApprovalVote(true, "for the release", new ApprovalGrantRequest(TimeSpan.FromMinutes(2), SameArgumentsOnly: true)), cancellationToken);
        Assert.That(grant, Is.EqualTo(ApprovalVoteResult.Decided));
        Assert.That((await client.ReadResponseAsync("g1", cancellationToken))["result"], Is.Not.Null);
        File.Delete(target);

        // The same call again, within the grant: no new request, executed at once.
        var again = await client.RequestAsync("g2", "tools/call", call.DeepClone().AsObject(), cancellationToken);
        Assert.That(again["result"], Is.Not.Null, again.ToJsonString());
        Assert.That(File.Exists(target), Is.True);
        Assert.That((await _rig.Desk.ListAsync(ApprovalState.Pending, cancellationToken)).Where(v => v.SessionId == sessionId), Is.Empty);
        var audit = await _rig.AuditOfAsync(sessionId, cancellationToken);
        Assert.That(audit.Count(r => r.Record.Kind == AuditEventKind.ApprovalGrantUsed && r.Record.RpcId == "\"g2\""), Is.EqualTo(1));

        // Other arguments: the grant is bound to the ones approved.
        await ApprovalRig.SendCallAsync(client, "g3", ApprovalRig.WriteFile(target, "v2"), cancellationToken);
        var changed = await _rig.WaitForPendingAsync(sessionId, "write_file", cancellationToken, pending.Id);
        await _rig.Desk.VoteAsync(changed.Id, ApprovalRig.Bob, new ApprovalVote(false, null), cancellationToken);
        Assert.That((int?)(await client.ReadResponseAsync("g3", cancellationToken))["error"]?["code"], Is.EqualTo(-31004));
        Assert.That(await File.ReadAllTextAsync(target, cancellationToken), Is.EqualTo("v1"));

        // After the period the grant is gone: the same call is held again.
        _clock.Advance(TimeSpan.FromMinutes(2));
        await ApprovalRig.SendCallAsync(client, "g4", call.DeepClone().AsObject(), cancellationToken);
        var expired = await _rig.WaitForPendingAsync(sessionId, "write_file", cancellationToken, pending.Id, changed.Id);
        await _rig.Desk.VoteAsync(expired.Id, ApprovalRig.Bob, new ApprovalVote(false, null), cancellationToken);
        Assert.That((int?)(await client.ReadResponseAsync("g4", cancellationToken))["error"]?["code"], Is.EqualTo(-31004));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Progress_ClientAskedForProgress_HearsThatTheCallStillWaits(CancellationToken cancellationToken)
    {
        var (client, sessionId) = await _rig.ConnectAsync(cancellationToken);
        await using var _ = client;

        await ApprovalRig.SendCallAsync(client, "p1", ApprovalRig.WriteFile(FileIn("progress.txt"), "x", new JsonObject { ["progressToken"] = "tok-1" }), cancellationToken);
        var pending = await _rig.WaitForPendingAsync(sessionId, "write_file", cancellationToken);
        _clock.Advance(ApprovalRig.ProgressInterval);
        var first = await client.ReadAsync(cancellationToken);
        _clock.Advance(ApprovalRig.ProgressInterval);
        var second = await client.ReadAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That((string?)first["method"], Is.EqualTo("notifications/progress"), first.ToJsonString());
            Assert.That((string?)first["params"]?["progressToken"], Is.EqualTo("tok-1"));
            Assert.That(((double?)first["params"]?["progress"], (double?)second["params"]?["progress"]), Is.EqualTo(((double?)1, (double?)2)));
            Assert.That((string?)first["params"]?["message"], Does.Contain("0 of 1 approvals"));
        });
        await _rig.Desk.VoteAsync(pending.Id, ApprovalRig.Alice, new ApprovalVote(true, null), cancellationToken);
        Assert.That((await client.ReadResponseAsync("p1", cancellationToken))["result"], Is.Not.Null);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task AuditUnavailable_CallThatWouldBeHeld_RefusedWith31006NeverShownAndNeverRuns(CancellationToken cancellationToken)
    {
        var (client, sessionId) = await _rig.ConnectAsync(cancellationToken);
        await using var _ = client;
        var target = FileIn("unrecorded.txt");

        JsonObject refused;
        await using (var other = new SqliteConnection(SqliteAuditStore.ConnectionString(_rig.AuditPath, SqliteOpenMode.ReadWrite)))
        {
            await other.OpenAsync(cancellationToken);
            await using (var begin = other.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE";
                await begin.ExecuteNonQueryAsync(cancellationToken);
            }

            refused = await client.RequestAsync("u1", "tools/call", ApprovalRig.WriteFile(target, "unrecorded"), cancellationToken);
        }

        Assert.That((int?)refused["error"]?["code"], Is.EqualTo(-31006), refused.ToJsonString());
        var requests = (await _rig.Desk.ListAsync(null, cancellationToken)).Where(v => v.SessionId == sessionId);
        Assert.That(requests, Is.Empty, "a call that cannot be recorded is never put to approvers");

        await AssertNeverWrittenAsync(client, target, cancellationToken);
    }

    /// <summary>The upstream never wrote the file: a later call through the same session shows it absent.</summary>
    private static async Task AssertNeverWrittenAsync(RawMcpClient client, string path, CancellationToken cancellationToken)
    {
        var info = await client.RequestAsync("check-" + Path.GetFileName(path), "tools/call", new JsonObject { ["name"] = "get_file_info", ["arguments"] = new JsonObject { ["path"] = path } }, cancellationToken);
        Assert.That(info.ToJsonString(), Does.Contain("ENOENT").Or.Contain("no such file").IgnoreCase, info.ToJsonString());
        Assert.That(File.Exists(path), Is.False);
    }
}
