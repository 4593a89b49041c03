using McpGateway.Core.Recording;
using McpGateway.Host.Cli;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.Operations;

/// <summary>
/// The progress lines of long commands: at once, then at most one per interval, then the total; with the time left
/// (<c>audit verify</c>), from one interval in.
/// </summary>
[TestFixture]
internal sealed class ProgressReporterTests
{
    private readonly ManualTimeProvider _clock = new();

    private static string[] Lines(StringWriter error) => error.ToString().TrimEnd('\n').Split('\n');

    [Test]
    public void Report_FirstThenWithinTheInterval_OnlyTheFirstLine()
    {
        using var error = new StringWriter();
        var reporter = new ProgressReporter(error, "purged", _clock, TimeSpan.FromSeconds(2));

        _clock.Advance(TimeSpan.FromSeconds(1));
        reporter.Report(new AuditProgress(2000, 8000));
        _clock.Advance(TimeSpan.FromSeconds(1.5));
        reporter.Report(new AuditProgress(4000, 8000));

        Assert.That(Lines(error), Is.EqualTo(new[] { "mcpgw: purged 2,000 of 8,000 records (25%, 2,000 records/s)" }));
    }

    [Test]
    public void Report_AfterTheInterval_AnotherLine()
    {
        using var error = new StringWriter();
        var reporter = new ProgressReporter(error, "purged", _clock, TimeSpan.FromSeconds(2));

        reporter.Report(0, 8000);
        _clock.Advance(TimeSpan.FromSeconds(2));
        reporter.Report(6000, 8000);

        Assert.That(Lines(error), Is.EqualTo(new[]
        {
            "mcpgw: purged 0 of 8,000 records (0%, 0 records/s)",
            "mcpgw: purged 6,000 of 8,000 records (75%, 3,000 records/s)",
        }));
    }

    [Test]
    public void Report_TotalUnknown_CountAndRateOnly()
    {
        using var error = new StringWriter();
        var reporter = new ProgressReporter(error, "scanned", _clock, TimeSpan.FromSeconds(2));
        _clock.Advance(TimeSpan.FromSeconds(4));

        reporter.Report(10_000, 0);

        Assert.That(Lines(error), Is.EqualTo(new[] { "mcpgw: scanned 10,000 records (2,500 records/s)" }));
    }

    [Test]
    public void Complete_AfterReports_TheTotalTimeAndRate()
    {
        using var error = new StringWriter();
        var reporter = new ProgressReporter(error, "scanned", _clock, TimeSpan.FromSeconds(2));
        reporter.Report(1, 500);
        _clock.Advance(TimeSpan.FromSeconds(0.5));

        reporter.Complete(500);

        Assert.That(Lines(error)[^1], Is.EqualTo("mcpgw: scanned 500 records in 0.5 s (1,000 records/s)"));
    }

    [TestCase(1_200_000, 1.5, 3_000_000, "mcpgw: verified 1,200,000 of 3,000,000 records (40 %), 800,000 records/s, about 3 s left")]
    [TestCase(100_000, 10, 7_000_000, "mcpgw: verified 100,000 of 7,000,000 records (1 %), 10,000 records/s, about 11 min 30 s left")]
    [TestCase(500_000, 2, 0, "mcpgw: verified 500,000 records, 250,000 records/s")]
    [TestCase(500_000, 2, 400_000, "mcpgw: verified 500,000 records, 250,000 records/s")]
    public void Report_TimeLeft_SaysShareRateAndTimeLeftUnlessTheTotalIsUnknownOrPassed(long done, double seconds, long total, string line)
    {
        using var error = new StringWriter();
        var reporter = new ProgressReporter(error, "verified", _clock, TimeSpan.FromSeconds(1), timeLeft: true);
        _clock.Advance(TimeSpan.FromSeconds(seconds));

        reporter.Report(done, total);

        Assert.That(Lines(error), Is.EqualTo(new[] { line }));
    }

    [Test]
    public void Report_TimeLeftWithinTheFirstInterval_WaitsForTheIntervalThenOneLine()
    {
        using var error = new StringWriter();
        var reporter = new ProgressReporter(error, "verified", _clock, TimeSpan.FromSeconds(2), timeLeft: true);

        _clock.Advance(TimeSpan.FromSeconds(1));
        reporter.Report(16_384, 100_000);
        _clock.Advance(TimeSpan.FromSeconds(1));
        reporter.Report(32_768, 100_000);
        _clock.Advance(TimeSpan.FromSeconds(1));
        reporter.Report(49_152, 100_000);

        Assert.That(Lines(error), Is.EqualTo(new[] { "mcpgw: verified 32,768 of 100,000 records (32 %), 16,384 records/s, about 5 s left" }));
    }

    [Test]
    public void Report_TimeLeftPassShorterThanTheInterval_OnlyTheClosingLine()
    {
        using var error = new StringWriter();
        var reporter = new ProgressReporter(error, "verified", _clock, TimeSpan.FromSeconds(2), timeLeft: true);
        _clock.Advance(TimeSpan.FromSeconds(1));
        reporter.Report(16_384, 20_000);

        reporter.Complete(20_000);

        Assert.That(Lines(error), Is.EqualTo(new[] { "mcpgw: verified 20,000 records in 1.0 s (20,000 records/s)" }));
    }

    [Test]
    public void For_NotAskedAndNotTheProcessStderr_Null()
    {
        using var error = new StringWriter();
        Assert.Multiple(() =>
        {
            Assert.That(ProgressReporter.For(false, error, "purged", _clock), Is.Null);
            Assert.That(ProgressReporter.For(true, error, "purged", _clock), Is.Not.Null);
            Assert.That(ProgressReporter.For(true, error, "verified", _clock, timeLeft: true)?.TimeLeft, Is.True);
        });
    }
}
