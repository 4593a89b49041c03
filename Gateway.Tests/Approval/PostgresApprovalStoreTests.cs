using McpGateway.Inspectors.Approval;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace McpGateway.Tests.Approval;

/// <summary>The store contract on a real throwaway PostgreSQL cluster (one per fixture), tables emptied per test.</summary>
[TestFixture]
[NonParallelizable]
internal sealed class PostgresApprovalStoreTests : ApprovalStoreContractTests
{
    private ThrowawayPostgres? _postgres;

    private string ConnectionString => _postgres!.ConnectionString;

    [OneTimeSetUp]
    public async Task StartPostgres()
    {
        _postgres = await ThrowawayPostgres.StartOrIgnoreAsync("the PostgreSQL approval store");
    }

    [OneTimeTearDown]
    public async Task StopPostgres()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    protected override IApprovalStore OpenStore(ManualTimeProvider clock)
    {
        using (var connection = new NpgsqlConnection(ConnectionString))
        {
            connection.Open();
            using var drop = new NpgsqlCommand("DROP TABLE IF EXISTS approval_requests, approval_votes, approval_grants", connection);
            drop.ExecuteNonQuery();
        }

        return new PostgresApprovalStore(ConnectionString, clock, NullLogger.Instance);
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Changed_VoteThroughAnotherInstance_HeardThroughListenNotify(CancellationToken cancellationToken)
    {
        await using var other = new PostgresApprovalStore(ConnectionString, Clock, NullLogger.Instance);
        var heard = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Store.Changed += id => heard.TrySetResult(id);
        await Store.StartListeningAsync(cancellationToken);
        var request = Request();
        await Store.CreateAsync(request, cancellationToken);

        var (decision, _) = await other.VoteAsync(request.Id, Alice, new Inspectors.Approval.ApprovalVote(true, null), cancellationToken);

        Assert.That(decision.Result, Is.EqualTo(Inspectors.Approval.ApprovalVoteResult.Decided));
        Assert.That(await heard.Task.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken), Is.EqualTo(request.Id));
    }
}
