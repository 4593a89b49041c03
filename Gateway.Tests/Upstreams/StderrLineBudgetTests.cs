using McpGateway.Core.Upstreams;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.Upstreams;

/// <summary>A stdio server's stderr reaches the log, at most 20 lines every 10 s; what is dropped is counted and said.</summary>
[TestFixture]
internal sealed class StderrLineBudgetTests
{
    [Test]
    public void TryTake_WithinTheWindow_AllowsTheFirstTwentyLinesOnly()
    {
        var budget = new StderrLineBudget(new ManualTimeProvider());

        var allowed = Enumerable.Range(0, 25).Count(_ => budget.TryTake(out _));

        Assert.That(allowed, Is.EqualTo(StderrLineBudget.LinesPerWindow));
        Assert.That(budget.TakeSuppressed(), Is.EqualTo(5));
    }

    [Test]
    public void TryTake_NextWindow_ReportsWhatWasDroppedAndAllowsAgain()
    {
        var time = new ManualTimeProvider();
        var budget = new StderrLineBudget(time);
        for (var i = 0; i < 23; i++)
        {
            budget.TryTake(out _);
        }

        time.Advance(StderrLineBudget.Window);
        var allowed = budget.TryTake(out var suppressedBefore);

        Assert.Multiple(() =>
        {
            Assert.That(allowed, Is.True);
            Assert.That(suppressedBefore, Is.EqualTo(3));
            Assert.That(budget.TakeSuppressed(), Is.Zero, "reported once");
        });
    }

    [Test]
    public void TryTake_QuietServer_NothingSuppressed()
    {
        var time = new ManualTimeProvider();
        var budget = new StderrLineBudget(time);

        budget.TryTake(out _);
        time.Advance(TimeSpan.FromMinutes(1));
        budget.TryTake(out var suppressedBefore);

        Assert.That(suppressedBefore, Is.Zero);
        Assert.That(budget.TakeSuppressed(), Is.Zero);
    }
}
