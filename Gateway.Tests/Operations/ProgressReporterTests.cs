using McpGateway.Core.Recording;
using McpGateway.Host.Cli;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.Operations;

/// <summary>The progress lines of long commands: at once, then at most one per interval, then the total.</summary>
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

    [Test]
    public void For_NotAskedAndNotTheProcessStderr_Null()
    {
        using var error = new StringWriter();
        Assert.Multiple(() =>
        {
            Assert.That(ProgressReporter.For(false, error, "purged", _clock), Is.Null);
            Assert.That(ProgressReporter.For(true, error, "purged", _clock), Is.Not.Null);
        });
    }
}
