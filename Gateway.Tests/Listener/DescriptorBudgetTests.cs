using McpGateway.Core.Configuration;
using McpGateway.Core.Listener;

namespace McpGateway.Tests.Listener;

[TestFixture]
internal sealed class DescriptorBudgetTests
{
    [Test]
    public void Parse_LinuxLimitsFile_TheSoftLimit()
    {
        string[] lines =
        [
            "Limit                     Soft Limit           Hard Limit           Units     ",
            "Max processes             63551                63551                processes ",
            "Max open files            20000                524288               files     ",
        ];

        Assert.That(DescriptorLimit.Parse(lines), Is.EqualTo(20000));
    }

    [Test]
    public void Parse_UnlimitedOrMissing_Null()
    {
        Assert.Multiple(() =>
        {
            Assert.That(DescriptorLimit.Parse(["Max open files            unlimited            unlimited            files     "]), Is.Null);
            Assert.That(DescriptorLimit.Parse(["Max processes             63551                63551                processes "]), Is.Null);
        });
    }

    [TestCase(20000, null, 4000)]
    [TestCase(1024, null, 256)]
    [TestCase(256, null, 128)]
    [TestCase(20000, 100, 100)]
    public void Under_KnownLimit_ReserveIsTheConfiguredOrAFifthAtLeast256AtMostHalf(int limit, int? configured, int reserve)
    {
        var budget = DescriptorBudget.Under(limit, configured);

        Assert.Multiple(() =>
        {
            Assert.That(budget.Reserve, Is.EqualTo(reserve));
            Assert.That(budget.Capacity, Is.EqualTo(limit - reserve));
        });
    }

    [Test]
    public void Under_ReserveLeavesLessThanOneSession_InvalidConfigurationNamingTheKey()
    {
        var ex = Assert.Throws<InvalidConfigurationException>(() => DescriptorBudget.Under(1024, 1022));

        Assert.That(ex!.Message, Does.StartWith("limits.fileDescriptorReserve: 1022 leaves 2 of the process's 1024"));
    }

    [Test]
    public void TryTake_UnknownLimit_NeverRefusesButCounts()
    {
        var budget = DescriptorBudget.Under(null, 10);

        var taken = Enumerable.Range(0, 100).All(_ => budget.TryTake(4));

        Assert.Multiple(() =>
        {
            Assert.That(taken, Is.True);
            Assert.That(budget.Capacity, Is.Null);
            Assert.That(budget.Used, Is.EqualTo(400));
        });
    }

    [Test]
    public void TryTake_BeyondCapacity_RefusedAndTakesNothing()
    {
        var budget = new DescriptorBudget(5);

        var first = budget.TryTake(4);
        var second = budget.TryTake(4);
        budget.Give(4);
        var third = budget.TryTake(4);

        Assert.Multiple(() =>
        {
            Assert.That((first, second, third), Is.EqualTo((true, false, true)));
            Assert.That(budget.Used, Is.EqualTo(4));
        });
    }
}
