using McpGateway.Inspectors.Approval;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.Approval;

[TestFixture]
internal sealed class NoticeThrottleTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    [Test]
    public void TryAdmit_BeyondMaxInOneWindow_DroppedCountedAndOnlyTheFirstDropFlagged()
    {
        var throttle = new NoticeThrottle(2, Window, new ManualTimeProvider());

        var admitted = Enumerable.Range(0, 5).Select(_ => (throttle.TryAdmit("alice", "writes", out var first), first)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(admitted, Is.EqualTo(new[] { (true, false), (true, false), (false, true), (false, false), (false, false) }));
            Assert.That(throttle.Dropped, Is.EqualTo(3));
        });
    }

    [Test]
    public void TryAdmit_OtherSubjectOrRule_HasItsOwnAllowance()
    {
        var throttle = new NoticeThrottle(1, Window, new ManualTimeProvider());
        throttle.TryAdmit("alice", "writes", out _);

        Assert.Multiple(() =>
        {
            Assert.That(throttle.TryAdmit("alice", "writes", out _), Is.False);
            Assert.That(throttle.TryAdmit("bob", "writes", out _), Is.True);
            Assert.That(throttle.TryAdmit("alice", "deletes", out _), Is.True);
        });
    }

    [Test]
    public void TryAdmit_WindowOver_AdmittedAgain()
    {
        var clock = new ManualTimeProvider();
        var throttle = new NoticeThrottle(1, Window, clock);
        throttle.TryAdmit("alice", "writes", out _);
        var inWindow = throttle.TryAdmit("alice", "writes", out _);

        clock.Advance(Window);
        var nextWindow = throttle.TryAdmit("alice", "writes", out var firstDropped);

        Assert.Multiple(() =>
        {
            Assert.That(inWindow, Is.False);
            Assert.That(nextWindow, Is.True);
            Assert.That(firstDropped, Is.False);
        });
    }
}
