using McpGateway.Core.Framing;
using McpGateway.Core.Sessions;
using NUnit.Framework;

namespace McpGateway.Tests.Sessions;

/// <summary>Cancelled ids stay taken (tombstones) until answered or expired.</summary>
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
    public void RemoveExpired_CancelledIdPastDeadline_RemovedMarkedCancelled()
    {
        var table = new PendingTable();
        table.TryAdd(Seven, McpMethods.ToolsList, null, 10);
        table.SetDeadline(Seven, 100);
        table.MarkCancelled(Seven, 500);

        var expired = table.RemoveExpired(101);

        Assert.That(expired!.Select(e => (e.Key, e.Value.Cancelled)), Is.EqualTo(new[] { (Seven, true) }));
        Assert.That(table.Count, Is.Zero);
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
            Assert.That(table.RemoveExpired(199), Is.Null);
            Assert.That(table.RemoveExpired(200)!.Select(e => e.Key), Is.EqualTo(new[] { Seven }));
        });
    }
}
