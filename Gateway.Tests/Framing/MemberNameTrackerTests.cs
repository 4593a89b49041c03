using System.Text;
using McpGateway.Core.Framing;
using NUnit.Framework;

namespace McpGateway.Tests.Framing;

[TestFixture]
internal sealed class MemberNameTrackerTests
{
    [TestCase(3)]
    [TestCase(16)]
    [TestCase(17)]
    [TestCase(5000)]
    public void TryAdd_RepeatedName_RejectedOnlyInTheSameObject(int members)
    {
        var tracker = new MemberNameTracker();
        tracker.Reset();
        tracker.EnterObject();
        AddAll(tracker, members, "a");

        // Nested and sibling objects may repeat the names of the enclosing object.
        tracker.EnterObject();
        AddAll(tracker, members, "a");
        tracker.ExitObject();
        tracker.EnterObject();
        AddAll(tracker, members, "a");
        tracker.ExitObject();

        Assert.That(tracker.TryAdd(Key("b")), Is.True);
        Assert.That(tracker.TryAdd(Key("A0")), Is.False);
        Assert.That(tracker.TryAdd(Key($"A{members - 1}")), Is.False);
        Assert.That(tracker.TryAdd(Key("b")), Is.False);
    }

    [Test]
    public void Reset_AfterLargeFrame_ForgetsEverything()
    {
        var tracker = new MemberNameTracker();
        tracker.Reset();
        tracker.EnterObject();
        AddAll(tracker, 10_000, "a");

        tracker.Reset();
        tracker.EnterObject();

        Assert.That(tracker.TryAdd(Key("a0")), Is.True);
        Assert.That(tracker.TryAdd(Key("a9999")), Is.True);
    }

    [Test]
    public void EnterObject_DeeperThanTheInitialStack_Grows()
    {
        var tracker = new MemberNameTracker();
        tracker.Reset();
        for (int depth = 0; depth < 200; depth++)
        {
            tracker.EnterObject();
            Assert.That(tracker.TryAdd(Key("x")), Is.True);
        }

        for (int depth = 0; depth < 200; depth++)
        {
            Assert.That(tracker.TryAdd(Key("x")), Is.False);
            tracker.ExitObject();
        }
    }

    private static void AddAll(MemberNameTracker tracker, int members, string prefix)
    {
        for (int i = 0; i < members; i++)
        {
            Assert.That(tracker.TryAdd(Key(prefix + i)), Is.True, $"{prefix}{i}");
        }
    }

    private static ulong Key(string name) => MemberNameKey.Of(Encoding.UTF8.GetBytes(name));
}
