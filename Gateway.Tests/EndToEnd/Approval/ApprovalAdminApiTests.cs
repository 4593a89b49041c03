using System.Net;
using System.Text.Json.Nodes;
using McpGateway.Inspectors.Approval;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.Approval;

/// <summary>
/// The approvers' admin API (<c>/approvals</c>) of a real gateway, with tokens from the real oidc-provider: list, show,
/// approve (also as a grant) and deny, each refusal with its status and reason, while the webhook is down.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class ApprovalAdminApiTests
{
    private ApproverRig _rig = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _rig = await ApproverRig.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _rig.DisposeAsync();

    private string FileIn(string name) => Path.Combine(_rig.Files, name);

    [Test]
    [CancelAfter(30_000)]
    public async Task Approve_AdminApprovesAliceWrite_CallCompletesWhileTheWebhookIsDown(CancellationToken cancellationToken)
    {
        var target = FileIn("api-approved.txt");
        var (client, id) = await _rig.HoldAsync(OidcProvider.Alice, "w", "write_file", ApproverRig.Write(target, "hello"), cancellationToken);
        await using var _ = client;

        var (listStatus, list) = await _rig.SendAsync(HttpMethod.Get, "/approvals?state=pending", OidcProvider.Admin, null, cancellationToken);
        var (showStatus, show) = await _rig.SendAsync(HttpMethod.Get, $"/approvals/{id}", OidcProvider.Admin, null, cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(listStatus, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(list!.AsArray().Select(v => (string?)v!["id"]), Does.Contain(id));
            Assert.That(showStatus, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(((string?)show!["state"], (string?)show["subject"], (string?)show["tool"], (string?)show["rule"]), Is.EqualTo(("pending", OidcProvider.Alice, "write_file", "writes")));
            Assert.That((string?)show["arguments"]?["content"], Is.EqualTo("hello"));
            Assert.That(File.Exists(target), Is.False);
        });

        var (status, body) = await _rig.SendAsync(HttpMethod.Post, $"/approvals/{id}/approve", OidcProvider.Admin, """{"reason":"fine"}""", cancellationToken);
        var response = await client.ReadResponseAsync("w", cancellationToken);
        var (_, approved) = await _rig.SendAsync(HttpMethod.Get, "/approvals?state=approved", OidcProvider.Admin, null, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body?.ToJsonString());
            Assert.That((string?)body!["result"], Is.EqualTo("decided"));
            Assert.That((string?)body["request"]?["state"], Is.EqualTo("approved"));
            Assert.That((string?)body["request"]?["votes"]?[0]?["approver"], Is.EqualTo(OidcProvider.Admin));
            Assert.That(response["result"], Is.Not.Null, response.ToJsonString());
            Assert.That(File.ReadAllText(target), Is.EqualTo("hello"));
            Assert.That(approved!.AsArray().Select(v => (string?)v!["id"]), Does.Contain(id));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Deny_AdminDeniesWithReason_CallGets31004NamingApproverAndReason(CancellationToken cancellationToken)
    {
        var target = FileIn("api-denied.txt");
        var (client, id) = await _rig.HoldAsync(OidcProvider.Alice, "d", "write_file", ApproverRig.Write(target, "no"), cancellationToken);
        await using var _ = client;

        var (noReason, noReasonBody) = await _rig.SendAsync(HttpMethod.Post, $"/approvals/{id}/deny", OidcProvider.Admin, null, cancellationToken);
        var (status, body) = await _rig.SendAsync(HttpMethod.Post, $"/approvals/{id}/deny", OidcProvider.Admin, """{"reason":"not on a Friday"}""", cancellationToken);
        var response = await client.ReadResponseAsync("d", cancellationToken);
        var (late, lateBody) = await _rig.SendAsync(HttpMethod.Post, $"/approvals/{id}/approve", OidcProvider.Admin, null, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That((noReason, (string?)noReasonBody!["error"]), Is.EqualTo((HttpStatusCode.BadRequest, "invalid_body")));
            Assert.That((status, (string?)body!["result"]), Is.EqualTo((HttpStatusCode.OK, "decided")));
            Assert.That((int?)response["error"]?["code"], Is.EqualTo(-31004));
            Assert.That((string?)response["error"]?["data"]?["approver"], Is.EqualTo(OidcProvider.Admin));
            Assert.That((string?)response["error"]?["data"]?["approverReason"], Is.EqualTo("not on a Friday"));
            Assert.That((late, (string?)lateBody!["error"]), Is.EqualTo((HttpStatusCode.Conflict, "not_pending")));
            Assert.That(File.Exists(target), Is.False);
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Approve_TwoOfN_FirstCountedRepeatRefusedSecondDecides(CancellationToken cancellationToken)
    {
        var target = FileIn("two-of-n");
        var (client, id) = await _rig.HoldAsync(OidcProvider.NoGroups, "m", "create_directory", new JsonObject { ["path"] = target }, cancellationToken);
        await using var _ = client;

        var first = await _rig.SendAsync(HttpMethod.Post, $"/approvals/{id}/approve", OidcProvider.Alice, "{}", cancellationToken);
        var again = await _rig.SendAsync(HttpMethod.Post, $"/approvals/{id}/approve", OidcProvider.Alice, "{}", cancellationToken);
        var existedAfterOne = Directory.Exists(target);
        var second = await _rig.SendAsync(HttpMethod.Post, $"/approvals/{id}/approve", OidcProvider.Admin, null, cancellationToken);
        var response = await client.ReadResponseAsync("m", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That((first.Status, (string?)first.Body!["result"], (string?)first.Body["request"]?["state"]), Is.EqualTo((HttpStatusCode.OK, "counted", "pending")));
            Assert.That((again.Status, (string?)again.Body!["error"]), Is.EqualTo((HttpStatusCode.Conflict, "already_voted")));
            Assert.That(existedAfterOne, Is.False, "one approval of two executes nothing");
            Assert.That((second.Status, (string?)second.Body!["result"]), Is.EqualTo((HttpStatusCode.OK, "decided")));
            Assert.That(response["result"], Is.Not.Null, response.ToJsonString());
            Assert.That(Directory.Exists(target), Is.True);
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Approve_RefusedVotes_EachWithItsStatusAndNothingExecutes(CancellationToken cancellationToken)
    {
        var own = FileIn("own.txt");
        var other = FileIn("other.txt");
        var (admin, ownId) = await _rig.HoldAsync(OidcProvider.Admin, "own", "write_file", ApproverRig.Write(own, "mine"), cancellationToken);
        await using var _ = admin;
        var (nobody, otherId) = await _rig.HoldAsync(OidcProvider.NoGroups, "other", "write_file", ApproverRig.Write(other, "theirs"), cancellationToken);
        await using var __ = nobody;

        var self = await _rig.SendAsync(HttpMethod.Post, $"/approvals/{ownId}/approve", OidcProvider.Admin, null, cancellationToken);
        var notApprover = await _rig.SendAsync(HttpMethod.Post, $"/approvals/{otherId}/approve", OidcProvider.Alice, null, cancellationToken);
        var tooLong = await _rig.SendAsync(HttpMethod.Post, $"/approvals/{otherId}/approve", OidcProvider.Admin, """{"grant":{"duration":"01:00:00"}}""", cancellationToken);
        var unknown = await _rig.SendAsync(HttpMethod.Post, "/approvals/0123456789abcdef/approve", OidcProvider.Admin, null, cancellationToken);
        var unknownShow = await _rig.SendAsync(HttpMethod.Get, "/approvals/0123456789abcdef", OidcProvider.Admin, null, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That((self.Status, (string?)self.Body!["error"]), Is.EqualTo((HttpStatusCode.Forbidden, "self_approval")));
            Assert.That((notApprover.Status, (string?)notApprover.Body!["error"]), Is.EqualTo((HttpStatusCode.NotFound, "not_found")), "another group's request is not revealed to a vote either");
            Assert.That((tooLong.Status, (string?)tooLong.Body!["error"]), Is.EqualTo((HttpStatusCode.UnprocessableEntity, "grant_not_allowed")));
            Assert.That((unknown.Status, (string?)unknown.Body!["error"]), Is.EqualTo((HttpStatusCode.NotFound, "not_found")));
            Assert.That((unknownShow.Status, (string?)unknownShow.Body!["error"]), Is.EqualTo((HttpStatusCode.NotFound, "not_found")));
            Assert.That(File.Exists(own) || File.Exists(other), Is.False);
        });
        var views = await _rig.Desk.ListAsync(ApprovalState.Pending, cancellationToken);
        Assert.That(views.Where(v => v.Id == ownId || v.Id == otherId).Select(v => v.Votes.Count), Is.EqualTo(new[] { 0, 0 }), "a refused vote is not counted");
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task ListAndShow_AnotherGroupsRequest_NotRevealed(CancellationToken cancellationToken)
    {
        // Alice (mcp-users) decides on mkdir-two's requests, not on writes (mcp-admins); Admin is in both groups.
        var target = FileIn("hidden.txt");
        var (client, id) = await _rig.HoldAsync(OidcProvider.NoGroups, "h1", "write_file", ApproverRig.Write(target, "v"), cancellationToken);
        await using var _ = client;

        var aliceList = await _rig.SendAsync(HttpMethod.Get, "/approvals?state=pending", OidcProvider.Alice, null, cancellationToken);
        var aliceShow = await _rig.SendAsync(HttpMethod.Get, $"/approvals/{id}", OidcProvider.Alice, null, cancellationToken);
        var adminList = await _rig.SendAsync(HttpMethod.Get, "/approvals?state=pending", OidcProvider.Admin, null, cancellationToken);
        var adminShow = await _rig.SendAsync(HttpMethod.Get, $"/approvals/{id}", OidcProvider.Admin, null, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(aliceList.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(aliceList.Body!.AsArray().Select(v => (string?)v!["id"]), Does.Not.Contain(id));
            Assert.That((aliceShow.Status, (string?)aliceShow.Body!["error"]), Is.EqualTo((HttpStatusCode.NotFound, "not_found")));
            Assert.That(adminList.Body!.AsArray().Select(v => (string?)v!["id"]), Does.Contain(id));
            Assert.That(adminShow.Status, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Approve_WithGrant_TheSameCallAgainRunsWithoutApproval(CancellationToken cancellationToken)
    {
        var target = FileIn("granted.txt");
        var (client, id) = await _rig.HoldAsync(OidcProvider.Alice, "g1", "write_file", ApproverRig.Write(target, "v"), cancellationToken);
        await using var _ = client;

        var (status, body) = await _rig.SendAsync(HttpMethod.Post, $"/approvals/{id}/approve", OidcProvider.Admin, """{"reason":"for the migration","grant":{"duration":"00:05:00","sameArguments":true}}""", cancellationToken);
        var first = await client.ReadResponseAsync("g1", cancellationToken);
        File.Delete(target);
        var again = await client.RequestAsync("g2", "tools/call", new JsonObject { ["name"] = "write_file", ["arguments"] = ApproverRig.Write(target, "v") }, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body?.ToJsonString());
            Assert.That((bool?)body!["request"]?["grant"]?["sameArguments"], Is.True);
            Assert.That(first["result"], Is.Not.Null, first.ToJsonString());
            Assert.That(again["result"], Is.Not.Null, again.ToJsonString());
            Assert.That(File.Exists(target), Is.True, "the grant covered the identical call");
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task List_ApprovalStoreUnreachable_503ApprovalsUnavailable(CancellationToken cancellationToken)
    {
        // A PostgreSQL approval store at a port nobody listens on.
        await using var rig = await ApproverRig.StartAsync($$"""
            { "store": "postgres", "connectionString": "Host=127.0.0.1;Port={{OidcProvider.FreePort()}};Username=mcpgw;Password=x;Database=mcpgw;Timeout=2" }
            """);

        var (status, body) = await rig.SendAsync(HttpMethod.Get, "/approvals?state=pending", OidcProvider.Admin, null, cancellationToken);

        Assert.That((status, (string?)body?["error"]), Is.EqualTo((HttpStatusCode.ServiceUnavailable, "approvals_unavailable")), body?.ToJsonString());
    }

    [TestCase(null, "/approvals", HttpStatusCode.Unauthorized, "unauthenticated")]
    [TestCase(OidcProvider.NoGroups, "/approvals", HttpStatusCode.Forbidden, "forbidden")]
    [TestCase(OidcProvider.Admin, "/approvals?state=bogus", HttpStatusCode.BadRequest, "invalid_query")]
    [TestCase(OidcProvider.Admin, "/approvals?limit=3", HttpStatusCode.BadRequest, "invalid_query")]
    [CancelAfter(30_000)]
    public async Task List_BadCallers_RefusedWithStatusAndReason(string? subject, string path, HttpStatusCode expected, string reason, CancellationToken cancellationToken)
    {
        var (status, body) = await _rig.SendAsync(HttpMethod.Get, path, subject, null, cancellationToken);

        Assert.That((status, (string?)body?["error"]), Is.EqualTo((expected, reason)));
    }

    [TestCase("{\"reason\":", "the body is not JSON")]
    [TestCase("[1]", "must be a JSON object")]
    [TestCase("{\"reason\":7}", "reason: not expected here")]
    [TestCase("{\"grant\":{\"duration\":\"soon\"}}", "grant.duration: a positive time span")]
    [TestCase("{\"grant\":{\"sameArguments\":true}}", "grant.duration: required")]
    [TestCase("{\"approve\":true}", "approve: not expected here")]
    [TestCase("{\"reason\":\"a\",\"reason\":\"b\"}", "the body is not JSON")]
    [TestCase("{\"grant\":{\"duration\":\"00:01:00\",\"duration\":\"00:09:00\"}}", "the body is not JSON")]
    [CancelAfter(30_000)]
    public async Task Approve_MalformedBody_400WithTheReason(string body, string message, CancellationToken cancellationToken)
    {
        var (status, answer) = await _rig.SendAsync(HttpMethod.Post, "/approvals/0123456789abcdef/approve", OidcProvider.Admin, body, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That((status, (string?)answer!["error"]), Is.EqualTo((HttpStatusCode.BadRequest, "invalid_body")));
            Assert.That((string?)answer["message"], Does.Contain(message));
        });
    }
}
