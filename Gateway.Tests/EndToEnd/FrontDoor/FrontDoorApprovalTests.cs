using System.Text.Json;
using McpGateway.Inspectors.Approval;
using McpGateway.Core.Identity;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGateway.Tests.EndToEnd.FrontDoor;

/// <summary>
/// Issue #8's "every gateway feature" for approvals: an unmodified HTTP MCP client (the C# SDK's
/// <see cref="HttpClientTransport"/>, with a real OIDC token) calls a tool an <c>approve</c> rule holds, through the
/// front door of a gateway started from a configuration file, to server-everything over stdio. The held call's POST
/// stays open while other calls of the same client go through; the approvers' vote decides what the client gets.
/// </summary>
[TestFixture]
internal sealed class FrontDoorApprovalTests
{
    private const string Connection = "everything";

    private static readonly GatewayIdentity Approver = new("carol", null, ["approvers"], DateTimeOffset.MaxValue, "hash-carol");

    private ConfiguredFrontDoor _frontDoor = null!;

    private IApprovalDesk Desk => _frontDoor.Gateway.Application.Services.GetRequiredService<IApprovalDesk>();

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        _frontDoor = await ConfiguredFrontDoor.StartAsync(
            Connection,
            $$"""{ "transport": "stdio", "command": "node", "args": [ {{JsonSerializer.Serialize(RepoPaths.ServerEverythingJs)}}, "stdio" ] }""",
            timeout.Token,
            extraRules: """{ "id": "sums", "action": "approve", "approverGroups": [ "approvers" ], "approvalTimeout": "00:01:00", "match": { "tools": [ "get-sum" ] } },""",
            extraSections: """ "approvals": { "progressInterval": "00:00:05" }, """);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _frontDoor.DisposeAsync();
    }

    [Test]
    [CancelAfter(40000)]
    public async Task Approve_HeldCallOverHttp_OtherCallsFlowMeanwhileThenTheResultArrives(CancellationToken cancellationToken)
    {
        await using var client = await ConnectAsync(cancellationToken);

        var held = client.CallToolAsync("get-sum", Sum(2, 40), cancellationToken: cancellationToken).AsTask();
        var pending = await WaitForPendingAsync(a: 2, cancellationToken);
        var echo = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "meanwhile" }, cancellationToken: cancellationToken);
        var heldBeforeVote = held.IsCompleted;
        var vote = await Desk.VoteAsync(pending.Id, Approver, new ApprovalVote(Approve: true, "checked"), cancellationToken);
        var result = await held;

        Assert.Multiple(() =>
        {
            Assert.That(pending.Subject, Is.EqualTo(OidcProvider.Alice), "the request names the token's subject");
            Assert.That(pending.RuleId, Is.EqualTo("sums"));
            Assert.That(Text(echo), Is.EqualTo("Echo: meanwhile"));
            Assert.That(heldBeforeVote, Is.False, "nothing answers the held call before the vote");
            Assert.That(vote, Is.EqualTo(ApprovalVoteResult.Decided));
            Assert.That(Text(result), Is.EqualTo("The sum of 2 and 40 is 42."));
        });
    }

    [Test]
    [CancelAfter(40000)]
    public async Task Deny_HeldCallOverHttp_Gets31004WithTheApprover(CancellationToken cancellationToken)
    {
        await using var client = await ConnectAsync(cancellationToken);

        var held = client.CallToolAsync("get-sum", Sum(3, 4), cancellationToken: cancellationToken).AsTask();
        var pending = await WaitForPendingAsync(a: 3, cancellationToken);
        var vote = await Desk.VoteAsync(pending.Id, Approver, new ApprovalVote(Approve: false, "not today"), cancellationToken);
        var denied = Assert.ThrowsAsync<McpProtocolException>(() => held);

        Assert.Multiple(() =>
        {
            Assert.That(vote, Is.EqualTo(ApprovalVoteResult.Decided));
            Assert.That((int?)denied?.ErrorCode, Is.EqualTo(-31004));
        });
    }

    [Test]
    [CancelAfter(40000)]
    public async Task Cancel_ClientCancelsTheHeldCall_WithdrawnAndALateApprovalDoesNothing(CancellationToken cancellationToken)
    {
        await using var client = await ConnectAsync(cancellationToken);
        using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        var held = client.CallToolAsync("get-sum", Sum(5, 6), cancellationToken: call.Token).AsTask();
        var pending = await WaitForPendingAsync(a: 5, cancellationToken);
        await call.CancelAsync();
        Assert.That(async () => await held, Throws.InstanceOf<OperationCanceledException>());
        var withdrawn = await WaitForStateAsync(pending.Id, ApprovalState.Withdrawn, cancellationToken);
        var late = await Desk.VoteAsync(pending.Id, Approver, new ApprovalVote(Approve: true, "too late"), cancellationToken);
        var after = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "still here" }, cancellationToken: cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(withdrawn.State, Is.EqualTo(ApprovalState.Withdrawn));
            Assert.That(late, Is.EqualTo(ApprovalVoteResult.NotPending));
            Assert.That(Text(after), Is.EqualTo("Echo: still here"), "the client's session goes on");
        });
    }

    private static Dictionary<string, object?> Sum(int a, int b) => new() { ["a"] = a, ["b"] = b };

    private static string Text(CallToolResult result) => ((TextContentBlock)result.Content[0]).Text;

    private async Task<McpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        return await McpClient.CreateAsync(_frontDoor.CSharpTransport(), cancellationToken: cancellationToken);
    }

    /// <summary>The pending request for get-sum whose masked arguments have <c>a</c> = <paramref name="a"/>, once it exists.</summary>
    private async Task<ApprovalView> WaitForPendingAsync(int a, CancellationToken cancellationToken)
    {
        while (true)
        {
            var pending = await Desk.ListAsync(ApprovalState.Pending, cancellationToken);
            var match = pending.FirstOrDefault(v => v.Tool == "get-sum" && v.MaskedArguments is { } args && JsonDocument.Parse(args).RootElement.GetProperty("a").GetInt32() == a);
            if (match is not null)
            {
                return match;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private async Task<ApprovalView> WaitForStateAsync(string id, ApprovalState state, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await Desk.GetAsync(id, cancellationToken) is { } view && view.State == state)
            {
                return view;
            }

            await Task.Delay(50, cancellationToken);
        }
    }
}
