using McpGateway.Core.Framing;
using McpGateway.Core.Sessions;
using NUnit.Framework;

namespace McpGateway.Tests.Sessions;

/// <summary>Cancelled and timed-out ids stay taken (tombstones) until answered or expired.</summary>
[TestFixture]
internal sealed class PendingTableTests
{
    private static readonly JsonRpcId Seven = JsonRpcId.FromNumber(7);

    [Test]
    public void TryAdd_IdCancelledButNotAnswered_IdInUse()
    {
        var table = new PendingTable();
        table.TryAdd(Seven, McpMethods.ToolsList, null, 10);

        var marked = table.MarkCancelled(Seven, 100);

        Assert.That((marked, table.TryAdd(Seven, McpMethods.ToolsCall, "echo", 10)), Is.EqualTo((true, PendingAddResult.IdInUse)));
    }

    [Test]
    public void TryRemove_CancelledId_ReturnsTombstoneThenIdIsFree()
    {
        var table = new PendingTable();
        table.TryAdd(Seven, McpMethods.ToolsList, null, 10);
        table.MarkCancelled(Seven, 100);

        var removed = table.TryRemove(Seven, out var request);

        Assert.Multiple(() =>
        {
            Assert.That((removed, request.Cancelled, request.Method), Is.EqualTo((true, true, McpMethods.ToolsList)));
            Assert.That(table.TryAdd(Seven, McpMethods.ToolsCall, "echo", 10), Is.EqualTo(PendingAddResult.Added));
        });
    }

    [Test]
    public void Expire_CancelledIdPastDeadline_RemovedNotGivenUpAgain()
    {
        var table = new PendingTable();
        table.TryAdd(Seven, McpMethods.ToolsList, null, 10);
        table.SetDeadline(Seven, 100);
        table.MarkCancelled(Seven, 500);

        var givenUp = table.Expire(101, 1000);

        Assert.Multiple(() =>
        {
            Assert.That(givenUp, Is.Null, "its sender cancelled it and expects no answer");
            Assert.That(table.Count, Is.Zero);
        });
    }

    [Test]
    public void Expire_RequestPastDeadline_GivenUpAsItWasAndIdStaysTaken()
    {
        var table = new PendingTable();
        table.TryAdd(Seven, McpMethods.ToolsList, null, 10);
        table.SetDeadline(Seven, 100);

        var givenUp = table.Expire(100, 300);

        Assert.Multiple(() =>
        {
            Assert.That(givenUp!.Select(e => (e.Key, e.Value.Cancelled, e.Value.Method)), Is.EqualTo(new[] { (Seven, false, McpMethods.ToolsList) }));
            Assert.That(table.TryAdd(Seven, McpMethods.ToolsCall, "echo", 10), Is.EqualTo(PendingAddResult.IdInUse));
            Assert.That((table.Count, table.Waiting), Is.EqualTo((1, 0)));
        });
    }

    [Test]
    public void Expire_RequestNotYetDue_Untouched()
    {
        var table = new PendingTable();
        table.TryAdd(Seven, McpMethods.ToolsList, null, 10);
        table.SetDeadline(Seven, 100);

        Assert.Multiple(() =>
        {
            Assert.That(table.Expire(99, 300), Is.Null);
            Assert.That(table.Waiting, Is.EqualTo(1));
        });
    }

    [Test]
    public void Expire_TimedOutRequest_GivenUpOnceThenFreedAtTheTombstoneDeadline()
    {
        var table = new PendingTable();
        table.TryAdd(Seven, McpMethods.ToolsList, null, 10);
        table.SetDeadline(Seven, 100);
        table.Expire(100, 300);

        var beforeTombstoneDeadline = table.Expire(299, 500);
        var atTombstoneDeadline = table.Expire(300, 500);

        Assert.Multiple(() =>
        {
            Assert.That(beforeTombstoneDeadline, Is.Null);
            Assert.That(atTombstoneDeadline, Is.Null);
            Assert.That(table.TryAdd(Seven, McpMethods.ToolsCall, "echo", 10), Is.EqualTo(PendingAddResult.Added));
        });
    }

    [Test]
    public void TryRemove_LateAnswerToTimedOutRequest_ReturnsTombstoneThenIdIsFree()
    {
        var table = new PendingTable();
        table.TryAdd(Seven, McpMethods.ToolsList, null, 10);
        table.SetDeadline(Seven, 100);
        table.Expire(100, 300);

        var removed = table.TryRemove(Seven, out var request);

        Assert.Multiple(() =>
        {
            Assert.That((removed, request.Cancelled, request.Method), Is.EqualTo((true, true, McpMethods.ToolsList)));
            Assert.That(table.TryAdd(Seven, McpMethods.ToolsCall, "echo", 10), Is.EqualTo(PendingAddResult.Added));
        });
    }

    [Test]
    public void TryRemove_ExchangeOfTimedOutRequestEnds_SameGenerationRemovesTombstone()
    {
        // An http upstream reports the end of the first request's exchange by generation: that ends its tombstone.
        var table = new PendingTable();
        table.TryAdd(Seven, McpMethods.ToolsList, null, 10);
        var generation = table.GenerationOf(Seven);
        table.SetDeadline(Seven, 100);
        table.Expire(100, 300);

        var otherGeneration = table.TryRemove(Seven, generation + 1, out _);
        var sameGeneration = table.TryRemove(Seven, generation, out var request);

        Assert.That((otherGeneration, sameGeneration, request.Cancelled, table.Count), Is.EqualTo((false, true, true, 0)));
    }

    [Test]
    public void TryGiveUp_WaitingRequestOfThatGeneration_ReturnedAsItWasAndIdStaysTakenUntilTheDeadline()
    {
        var table = new PendingTable();
        table.TryAdd(Seven, McpMethods.ToolsList, null, 10);
        var generation = table.GenerationOf(Seven);

        var givenUp = table.TryGiveUp(Seven, generation, 300, out var request);

        Assert.Multiple(() =>
        {
            Assert.That((givenUp, request.Cancelled, request.Method), Is.EqualTo((true, false, McpMethods.ToolsList)));
            Assert.That(table.TryAdd(Seven, McpMethods.ToolsCall, "echo", 10), Is.EqualTo(PendingAddResult.IdInUse));
            Assert.That(table.Expire(300, 1000), Is.Null);
            Assert.That(table.TryAdd(Seven, McpMethods.ToolsCall, "echo", 10), Is.EqualTo(PendingAddResult.Added));
        });
    }

    [Test]
    public void TryGiveUp_OtherGenerationOrTombstone_False()
    {
        var table = new PendingTable();
        table.TryAdd(Seven, McpMethods.ToolsList, null, 10);
        var generation = table.GenerationOf(Seven);

        var other = table.TryGiveUp(Seven, generation + 1, 300, out _);
        var first = table.TryGiveUp(Seven, generation, 300, out _);
        var again = table.TryGiveUp(Seven, generation, 300, out _);

        Assert.That((other, first, again, table.Count), Is.EqualTo((false, true, false, 1)));
    }

    [Test]
    public void MarkCancelled_UnknownId_False()
    {
        Assert.That(new PendingTable().MarkCancelled(Seven, 100), Is.False);
    }

    [Test]
    public void MarkCancelled_RequestWithoutDeadline_TombstoneExpiresAtTheGivenDeadline()
    {
        var table = new PendingTable();
        table.TryAdd(Seven, McpMethods.SamplingCreateMessage, null, 10);

        table.MarkCancelled(Seven, 200);

        Assert.Multiple(() =>
        {
            Assert.That(table.Expire(199, 1000), Is.Null);
            Assert.That(table.Count, Is.EqualTo(1));
        });
        Assert.Multiple(() =>
        {
            Assert.That(table.Expire(200, 1000), Is.Null, "a tombstone is never given up on again");
            Assert.That(table.Count, Is.Zero);
        });
    }
}
