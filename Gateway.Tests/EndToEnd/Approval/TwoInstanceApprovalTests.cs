using System.Diagnostics;
using System.Text.Json.Nodes;
using McpGateway.Inspectors.Approval;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.Approval;

/// <summary>
/// Two gateway instances sharing one real PostgreSQL approval store: a call held on instance A is decided through
/// instance B's desk, and A carries the decision out promptly (LISTEN/NOTIFY, well inside the 5 s recheck), also when B
/// was restarted while the call was held.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class TwoInstanceApprovalTests
{
    private ThrowawayPostgres? _postgres;
    private ApprovalRig? _a;
    private ApprovalRig? _b;

    private string Approvals => $$"""{ "store": "postgres", "connectionString": "Host=127.0.0.1;Port={{_postgres!.Port}};Username=postgres;Database=mcptest" }""";

    [OneTimeSetUp]
    public async Task StartPostgresAndTwoGateways()
    {
        if (!ThrowawayPostgres.IsAvailable)
        {
            Assert.Ignore("PostgreSQL server binaries are not installed; approvals across instances are not tested here");
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        _postgres = await ThrowawayPostgres.StartAsync(timeout.Token);
        _a = await ApprovalRig.StartAsync(null, timeout.Token, Approvals);
        _b = await ApprovalRig.StartAsync(null, timeout.Token, Approvals);
    }

    [OneTimeTearDown]
    public async Task StopAll()
    {
        if (_a is not null)
        {
            await _a.DisposeAsync();
        }

        if (_b is not null)
        {
            await _b.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Approve_HeldOnAVotedThroughRestartedB_AForwardsPromptly(CancellationToken cancellationToken)
    {
        var (client, sessionId) = await _a!.ConnectAsync(cancellationToken);
        await using var _ = client;
        var target = Path.Combine(_a.Files, "across.txt");

        await ApprovalRig.SendCallAsync(client, "x1", ApprovalRig.WriteFile(target, "approved elsewhere"), cancellationToken);
        var pending = await _b!.WaitForPendingAsync(sessionId, "write_file", cancellationToken);
        await _b.DisposeAsync();
        _b = await ApprovalRig.StartAsync(null, cancellationToken, Approvals);
        Assert.That(File.Exists(target), Is.False);

        var stopwatch = Stopwatch.StartNew();
        var vote = await _b.Desk.VoteAsync(pending.Id, ApprovalRig.Alice, new ApprovalVote(true, "from B"), cancellationToken);
        var response = await client.ReadResponseAsync("x1", cancellationToken);
        stopwatch.Stop();
        await TestContext.Out.WriteLineAsync($"vote through B to response on A: {stopwatch.Elapsed.TotalMilliseconds:F1} ms");

        Assert.That(vote, Is.EqualTo(ApprovalVoteResult.Decided));
        Assert.That(response["result"], Is.Not.Null, response.ToJsonString());
        Assert.That(await File.ReadAllTextAsync(target, cancellationToken), Is.EqualTo("approved elsewhere"));
        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)), "the decision reaches the holding instance through NOTIFY, not the periodic recheck");
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Deny_HeldOnADeniedThroughB_Gets31004NamingTheApprover(CancellationToken cancellationToken)
    {
        var (client, sessionId) = await _a!.ConnectAsync(cancellationToken);
        await using var _ = client;
        var target = Path.Combine(_a.Files, "denied-across.txt");

        await ApprovalRig.SendCallAsync(client, "x2", ApprovalRig.WriteFile(target, "no"), cancellationToken);
        var pending = await _b!.WaitForPendingAsync(sessionId, "write_file", cancellationToken);
        var self = await _b.Desk.VoteAsync(pending.Id, ApprovalRig.Requester, new ApprovalVote(true, null), cancellationToken);
        await _b.Desk.VoteAsync(pending.Id, ApprovalRig.Bob, new ApprovalVote(false, "wrong host"), cancellationToken);
        var response = await client.ReadResponseAsync("x2", cancellationToken);

        Assert.That(self, Is.EqualTo(ApprovalVoteResult.SelfApproval));
        Assert.That((int?)response["error"]?["code"], Is.EqualTo(-31004), response.ToJsonString());
        Assert.That(((string?)response["error"]?["data"]?["approver"], (string?)response["error"]?["data"]?["approverReason"]), Is.EqualTo(("bob", "wrong host")));
        var info = await client.RequestAsync("check", "tools/call", new JsonObject { ["name"] = "get_file_info", ["arguments"] = new JsonObject { ["path"] = target } }, cancellationToken);
        Assert.That(info.ToJsonString(), Does.Contain("ENOENT"));
        Assert.That(File.Exists(target), Is.False);
    }
}
