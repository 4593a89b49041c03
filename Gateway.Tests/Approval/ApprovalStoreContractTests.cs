using McpGateway.Inspectors.Approval;
using McpGateway.Core.Identity;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.Approval;

/// <summary>
/// What every approval store must do, run against SQLite and a real PostgreSQL: the rules of a vote (approver groups,
/// no self-approval, N distinct approvers, one deny decides, grant limits), late votes refused, timeouts and
/// withdrawals only while pending, and grants that match exactly and expire by themselves.
/// </summary>
internal abstract class ApprovalStoreContractTests
{
    protected static readonly GatewayIdentity Alice = Identity("alice", "approvers");
    protected static readonly GatewayIdentity Bob = Identity("bob", "approvers", "dba");
    protected static readonly GatewayIdentity Carol = Identity("carol", "approvers");
    protected static readonly GatewayIdentity Mallory = Identity("mallory", "developers");
    protected static readonly GatewayIdentity Requester = Identity("agent-7", "approvers", "developers");

    private IApprovalStore? _store;

    protected ManualTimeProvider Clock { get; private set; } = new();

    protected IApprovalStore Store => _store!;

    /// <summary>A fresh, empty store on <paramref name="clock"/>.</summary>
    protected abstract IApprovalStore OpenStore(ManualTimeProvider clock);

    [SetUp]
    public void OpenFreshStore()
    {
        Clock = new ManualTimeProvider();
        _store = OpenStore(Clock);
    }

    [TearDown]
    public async Task DisposeStore()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    protected static GatewayIdentity Identity(string subject, params string[] groups) =>
        new(subject, null, groups, DateTimeOffset.MaxValue, "hash-" + subject);

    protected ApprovalRequest Request(int required = 1, TimeSpan? maxGrant = null, string tool = "write_file", string arguments = """{"path":"a"}""")
    {
        var now = Clock.GetUtcNow();
        return new ApprovalRequest(
            Guid.NewGuid().ToString("N"), "instance-a", "session-1", Requester.Subject, "files", tool, "\"w1\"", 7,
            ApprovalBinding.Hash(tool, arguments), arguments, "writes", ["approvers"], required, maxGrant ?? TimeSpan.Zero, now, now + TimeSpan.FromMinutes(5));
    }

    private async Task<ApprovalRequest> CreateAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        await Store.CreateAsync(request, cancellationToken);
        return request;
    }

    [Test]
    [CancelAfter(20000)]
    public async Task VoteAsync_ApproverInGroup_ApprovesAndShowsTheVote(CancellationToken cancellationToken)
    {
        var request = await CreateAsync(Request(), cancellationToken);

        var (decision, entry) = await Store.VoteAsync(request.Id, Alice, new ApprovalVote(true, "looks fine"), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Result, Is.EqualTo(ApprovalVoteResult.Decided));
            Assert.That(entry!.State, Is.EqualTo(ApprovalState.Approved));
            Assert.That(entry.DecidedBy, Is.EqualTo("alice"));
            Assert.That(entry.ToView().Votes.Select(v => (v.Approver, v.Approve, v.Reason)), Is.EqualTo(new[] { ("alice", true, (string?)"looks fine") }));
            Assert.That(entry.ToView().MaskedArguments, Is.EqualTo("""{"path":"a"}"""));
            Assert.That(entry.Grant, Is.Null, "one call, not a grant");
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task VoteAsync_RequesterVotesOnOwnCall_SelfApprovalRefused(CancellationToken cancellationToken)
    {
        var request = await CreateAsync(Request(), cancellationToken);

        var (decision, _) = await Store.VoteAsync(request.Id, Requester, new ApprovalVote(true, null), cancellationToken);

        Assert.That(decision.Result, Is.EqualTo(ApprovalVoteResult.SelfApproval));
        Assert.That((await Store.GetAsync(request.Id, cancellationToken))!.State, Is.EqualTo(ApprovalState.Pending));
    }

    [Test]
    [CancelAfter(20000)]
    public async Task VoteAsync_OutsideApproverGroups_NotAnApproverAndNothingChanges(CancellationToken cancellationToken)
    {
        var request = await CreateAsync(Request(), cancellationToken);

        var (approve, _) = await Store.VoteAsync(request.Id, Mallory, new ApprovalVote(true, null), cancellationToken);
        var (deny, _) = await Store.VoteAsync(request.Id, Mallory, new ApprovalVote(false, null), cancellationToken);

        Assert.That(new[] { approve.Result, deny.Result }, Is.All.EqualTo(ApprovalVoteResult.NotAnApprover));
        var entry = await Store.GetAsync(request.Id, cancellationToken);
        Assert.That(entry!.State, Is.EqualTo(ApprovalState.Pending));
        Assert.That(entry.Votes, Is.Empty);
    }

    [Test]
    [CancelAfter(20000)]
    public async Task VoteAsync_TwoOfThreeRequired_CountedUntilTheSecondDistinctApprover(CancellationToken cancellationToken)
    {
        var request = await CreateAsync(Request(required: 2), cancellationToken);

        var (first, _) = await Store.VoteAsync(request.Id, Alice, new ApprovalVote(true, null), cancellationToken);
        var (again, _) = await Store.VoteAsync(request.Id, Alice, new ApprovalVote(true, null), cancellationToken);
        var pending = await Store.GetAsync(request.Id, cancellationToken);
        var (second, entry) = await Store.VoteAsync(request.Id, Carol, new ApprovalVote(true, null), cancellationToken);
        var (late, _) = await Store.VoteAsync(request.Id, Bob, new ApprovalVote(false, "too late"), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(first.Result, Is.EqualTo(ApprovalVoteResult.Counted));
            Assert.That(again.Result, Is.EqualTo(ApprovalVoteResult.AlreadyVoted));
            Assert.That(pending!.State, Is.EqualTo(ApprovalState.Pending));
            Assert.That(second.Result, Is.EqualTo(ApprovalVoteResult.Decided));
            Assert.That(entry!.State, Is.EqualTo(ApprovalState.Approved));
            Assert.That(entry.DecidedBy, Is.EqualTo("alice, carol"));
            Assert.That(late.Result, Is.EqualTo(ApprovalVoteResult.NotPending));
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task VoteAsync_OneDenyOfTwoRequired_DeniedWithApproverAndReason(CancellationToken cancellationToken)
    {
        var request = await CreateAsync(Request(required: 2), cancellationToken);

        await Store.VoteAsync(request.Id, Alice, new ApprovalVote(true, null), cancellationToken);
        var (deny, entry) = await Store.VoteAsync(request.Id, Bob, new ApprovalVote(false, "not during the freeze"), cancellationToken);

        Assert.That(deny.Result, Is.EqualTo(ApprovalVoteResult.Decided));
        Assert.That((entry!.State, entry.DecidedBy, entry.DecisionReason), Is.EqualTo((ApprovalState.Denied, "bob", "not during the freeze")));
    }

    [Test]
    [CancelAfter(20000)]
    public async Task VoteAsync_ConcurrentApprovers_ExactlyOneDecides(CancellationToken cancellationToken)
    {
        var request = await CreateAsync(Request(), cancellationToken);

        var votes = await Task.WhenAll(new[] { Alice, Bob, Carol }.Select(approver => Store.VoteAsync(request.Id, approver, new ApprovalVote(true, null), cancellationToken)));

        Assert.That(votes.Count(v => v.Decision.Result == ApprovalVoteResult.Decided), Is.EqualTo(1));
        Assert.That(votes.Count(v => v.Decision.Result == ApprovalVoteResult.NotPending), Is.EqualTo(2));
    }

    [Test]
    [CancelAfter(20000)]
    public async Task VoteAsync_UnknownRequest_NotFound(CancellationToken cancellationToken)
    {
        var (decision, entry) = await Store.VoteAsync("no-such-request", Alice, new ApprovalVote(true, null), cancellationToken);

        Assert.That(decision.Result, Is.EqualTo(ApprovalVoteResult.NotFound));
        Assert.That(entry, Is.Null);
    }

    [Test]
    [CancelAfter(20000)]
    public async Task FinishAsync_Withdrawn_LaterVotesAreNotPending(CancellationToken cancellationToken)
    {
        var request = await CreateAsync(Request(), cancellationToken);

        var withdrawn = await Store.FinishAsync(request.Id, ApprovalState.Withdrawn, "cancelled by the client", cancellationToken);
        var again = await Store.FinishAsync(request.Id, ApprovalState.TimedOut, null, cancellationToken);
        var (late, _) = await Store.VoteAsync(request.Id, Alice, new ApprovalVote(true, null), cancellationToken);

        Assert.That((withdrawn, again), Is.EqualTo((true, false)));
        Assert.That(late.Result, Is.EqualTo(ApprovalVoteResult.NotPending));
        Assert.That((await Store.GetAsync(request.Id, cancellationToken))!.State, Is.EqualTo(ApprovalState.Withdrawn));
    }

    [Test]
    [CancelAfter(20000)]
    public async Task VoteAsync_AfterTheDeadline_NotPendingAndTimedOut(CancellationToken cancellationToken)
    {
        var request = await CreateAsync(Request(), cancellationToken);

        Clock.Advance(TimeSpan.FromMinutes(5));
        var (late, entry) = await Store.VoteAsync(request.Id, Alice, new ApprovalVote(true, null), cancellationToken);

        Assert.That(late.Result, Is.EqualTo(ApprovalVoteResult.NotPending));
        Assert.That(entry!.State, Is.EqualTo(ApprovalState.TimedOut));
        Assert.That(await Store.FinishAsync(request.Id, ApprovalState.TimedOut, null, cancellationToken), Is.False, "already finished");
    }

    [Test]
    [CancelAfter(20000)]
    public async Task ListAsync_ByState_NewestFirstAndExpiredOnesTimedOut(CancellationToken cancellationToken)
    {
        var old = await CreateAsync(Request(), cancellationToken);
        Clock.Advance(TimeSpan.FromMinutes(3));
        var approved = await CreateAsync(Request(), cancellationToken);
        await Store.VoteAsync(approved.Id, Alice, new ApprovalVote(true, null), cancellationToken);
        Clock.Advance(TimeSpan.FromMinutes(1));
        var fresh = await CreateAsync(Request(), cancellationToken);
        Clock.Advance(TimeSpan.FromMinutes(1));

        var pending = await Store.ListAsync(ApprovalState.Pending, cancellationToken);
        var all = await Store.ListAsync(null, cancellationToken);
        var timedOut = await Store.ListAsync(ApprovalState.TimedOut, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(pending.Select(e => e.Request.Id), Is.EqualTo(new[] { fresh.Id }));
            Assert.That(all.Select(e => e.Request.Id), Is.EqualTo(new[] { fresh.Id, approved.Id, old.Id }));
            Assert.That(timedOut.Select(e => e.Request.Id), Is.EqualTo(new[] { old.Id }));
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task VoteAsync_GrantNotAllowedByRuleOrTooLong_Refused(CancellationToken cancellationToken)
    {
        var noGrants = await CreateAsync(Request(), cancellationToken);
        var hourAtMost = await CreateAsync(Request(maxGrant: TimeSpan.FromHours(1)), cancellationToken);

        var (none, _) = await Store.VoteAsync(noGrants.Id, Alice, new ApprovalVote(true, null, new ApprovalGrantRequest(TimeSpan.FromMinutes(10), false)), cancellationToken);
        var (tooLong, _) = await Store.VoteAsync(hourAtMost.Id, Alice, new ApprovalVote(true, null, new ApprovalGrantRequest(TimeSpan.FromHours(2), false)), cancellationToken);
        var (onDeny, _) = await Store.VoteAsync(hourAtMost.Id, Alice, new ApprovalVote(false, null, new ApprovalGrantRequest(TimeSpan.FromMinutes(10), false)), cancellationToken);

        Assert.That(new[] { none.Result, tooLong.Result, onDeny.Result }, Is.All.EqualTo(ApprovalVoteResult.GrantNotAllowed));
        Assert.That((await Store.GetAsync(hourAtMost.Id, cancellationToken))!.State, Is.EqualTo(ApprovalState.Pending));
    }

    [Test]
    [CancelAfter(20000)]
    public async Task UseGrantAsync_SameToolWithinThePeriod_UsedUntilItExpires(CancellationToken cancellationToken)
    {
        var request = await CreateAsync(Request(maxGrant: TimeSpan.FromHours(1)), cancellationToken);
        var (decision, entry) = await Store.VoteAsync(request.Id, Alice, new ApprovalVote(true, "for the migration", new ApprovalGrantRequest(TimeSpan.FromMinutes(30), SameArgumentsOnly: false)), cancellationToken);
        var otherArguments = ApprovalBinding.Hash("write_file", """{"path":"b"}""");

        var used = await Store.UseGrantAsync(Requester.Subject, "files", "write_file", "writes", otherArguments, cancellationToken);
        var otherTool = await Store.UseGrantAsync(Requester.Subject, "files", "move_file", "writes", otherArguments, cancellationToken);
        var otherSubject = await Store.UseGrantAsync("agent-8", "files", "write_file", "writes", otherArguments, cancellationToken);
        var otherRule = await Store.UseGrantAsync(Requester.Subject, "files", "write_file", "other-rule", otherArguments, cancellationToken);
        Clock.Advance(TimeSpan.FromMinutes(30));
        var expired = await Store.UseGrantAsync(Requester.Subject, "files", "write_file", "writes", request.ArgumentsHash, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(decision.Result, Is.EqualTo(ApprovalVoteResult.Decided));
            Assert.That(entry!.Grant, Is.Not.Null);
            Assert.That(entry.Grant!.ArgumentsHash, Is.Null, "any arguments");
            Assert.That(used?.Id, Is.EqualTo(entry.Grant.Id));
            Assert.That(used!.GrantedBy, Is.EqualTo("alice"));
            Assert.That(otherTool, Is.Null);
            Assert.That(otherSubject, Is.Null);
            Assert.That(otherRule, Is.Null);
            Assert.That(expired, Is.Null, "a grant expires by itself");
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task UseGrantAsync_SameArgumentsOnly_OtherArgumentsNeedANewApproval(CancellationToken cancellationToken)
    {
        var request = await CreateAsync(Request(maxGrant: TimeSpan.FromHours(1)), cancellationToken);
        await Store.VoteAsync(request.Id, Alice, new ApprovalVote(true, null, new ApprovalGrantRequest(TimeSpan.FromMinutes(10), SameArgumentsOnly: true)), cancellationToken);

        var same = await Store.UseGrantAsync(Requester.Subject, "files", "write_file", "writes", request.ArgumentsHash, cancellationToken);
        var other = await Store.UseGrantAsync(Requester.Subject, "files", "write_file", "writes", ApprovalBinding.Hash("write_file", """{"path":"b"}"""), cancellationToken);

        Assert.That(same, Is.Not.Null);
        Assert.That(other, Is.Null);
    }

    [Test]
    [CancelAfter(20000)]
    public async Task VoteAsync_TwoApprovers_GrantOnlyWhenBothAskTheShortestAndArgumentBoundIfEitherAsks(CancellationToken cancellationToken)
    {
        var oneGrants = await CreateAsync(Request(required: 2, maxGrant: TimeSpan.FromHours(1)), cancellationToken);
        var bothGrant = await CreateAsync(Request(required: 2, maxGrant: TimeSpan.FromHours(1)), cancellationToken);

        await Store.VoteAsync(oneGrants.Id, Alice, new ApprovalVote(true, null, new ApprovalGrantRequest(TimeSpan.FromMinutes(30), false)), cancellationToken);
        var (_, single) = await Store.VoteAsync(oneGrants.Id, Bob, new ApprovalVote(true, null), cancellationToken);
        await Store.VoteAsync(bothGrant.Id, Alice, new ApprovalVote(true, null, new ApprovalGrantRequest(TimeSpan.FromMinutes(30), false)), cancellationToken);
        var (_, both) = await Store.VoteAsync(bothGrant.Id, Bob, new ApprovalVote(true, null, new ApprovalGrantRequest(TimeSpan.FromMinutes(10), true)), cancellationToken);

        Assert.That(single!.Grant, Is.Null);
        Assert.That(both!.Grant, Is.Not.Null);
        Assert.That(both.Grant!.ExpiresAt, Is.EqualTo(Clock.GetUtcNow() + TimeSpan.FromMinutes(10)).Within(TimeSpan.FromMilliseconds(1)));
        Assert.That(both.Grant.ArgumentsHash, Is.EqualTo(bothGrant.ArgumentsHash));
        Assert.That(both.Grant.GrantedBy, Is.EqualTo("alice, bob"));
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Changed_AVoteOrAWithdrawal_RaisedWithTheRequestId(CancellationToken cancellationToken)
    {
        var changes = new List<string>();
        Store.Changed += id => { lock (changes) { changes.Add(id); } };
        var voted = await CreateAsync(Request(required: 2), cancellationToken);
        var withdrawn = await CreateAsync(Request(), cancellationToken);

        await Store.VoteAsync(voted.Id, Alice, new ApprovalVote(true, null), cancellationToken);
        await Store.VoteAsync(voted.Id, Mallory, new ApprovalVote(true, null), cancellationToken);
        await Store.FinishAsync(withdrawn.Id, ApprovalState.Withdrawn, null, cancellationToken);

        // In process at once; through PostgreSQL NOTIFY as well, so the same id may arrive twice.
        await WaitUntilAsync(() => { lock (changes) { return changes.Contains(voted.Id) && changes.Contains(withdrawn.Id); } }, cancellationToken);
        lock (changes)
        {
            Assert.That(changes.Distinct(), Is.EquivalentTo(new[] { voted.Id, withdrawn.Id }), "a refused vote changes nothing");
        }
    }

    protected static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(20, cancellationToken);
        }
    }
}
