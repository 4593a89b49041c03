using McpGateway.Core.Recording;
using McpGateway.Host.Cli;
using McpGateway.Host.Commands;
using Microsoft.Data.Sqlite;

namespace McpGateway.Tests.Recording;

/// <summary>
/// The progress of <c>mcpgw audit verify</c>: records done of the store's count, the rate and the time left, on the
/// error output only, at most every two seconds; <c>--quiet</c> keeps it off even on a terminal. The lines themselves
/// are <see cref="Host.Cli.ProgressReporter"/>'s (<c>ProgressReporterTests</c>).
/// </summary>
[TestFixture]
internal sealed class VerifyProgressTests
{
    private string _directory = null!;

    private string DatabasePath => Path.Combine(_directory, "audit.db");

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mcpgw-progress-").FullName;

    [TearDown]
    public void DeleteDirectory()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    [CancelAfter(120000)]
    public async Task Verify_ProgressOnALongStore_SaysHowManyOfTheStoresRecordsAndTheTimeLeft(CancellationToken cancellationToken)
    {
        await SqliteAuditFile.FillAsync(DatabasePath, 33_000, cancellationToken);
        using var output = new StringWriter();
        using var error = new StringWriter();

        // Each look at the clock is one second later: the report at 16,384 records is one second in (too soon), the
        // one at 32,768 two seconds in.
        var exit = await AuditCommand.RunAsync(["verify", "--store", DatabasePath, "--progress"], output, error, new SteppingClock(), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, output.ToString());
            Assert.That(error.ToString(), Is.EqualTo(
                "mcpgw: verified 32,768 of 33,000 records (99 %), 16,384 records/s, about 1 s left\n" +
                "mcpgw: verified 33,000 records in 3.0 s (11,000 records/s)\n"));
            Assert.That(output.ToString(), Does.Contain("33000 records").And.Contain("intact").And.Not.Contain("records/s"));
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Verify_ProgressAndQuietTogether_RefusedAsBadUsage(CancellationToken cancellationToken)
    {
        await SqliteAuditFile.FillAsync(DatabasePath, 3, cancellationToken);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await AuditCommand.RunAsync(["verify", "--store", DatabasePath, "--progress", "--quiet"], output, error, cancellationToken);

        Assert.That(exit, Is.EqualTo(MainCommand.BadUsage));
        Assert.That(error.ToString(), Does.StartWith("usage: mcpgw audit verify").And.Contain("[--progress | --quiet]").And.Contain("--progress and --quiet contradict each other"));
        Assert.That(output.ToString(), Is.Empty);
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Verify_Quiet_WritesNothingButTheReport(CancellationToken cancellationToken)
    {
        await SqliteAuditFile.FillAsync(DatabasePath, CheckpointPolicy.ProgressEvery + 10, cancellationToken);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await AuditCommand.RunAsync(["verify", "--store", DatabasePath, "--quiet"], output, error, new SteppingClock(), cancellationToken);

        Assert.That(exit, Is.Zero, output.ToString());
        Assert.That(error.ToString(), Is.Empty);
        Assert.That(output.ToString(), Does.Contain("intact"));
    }

    /// <summary>A clock whose timestamp moves one second at every look; the wall time stands still.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, TimeSpan.TicksPerSecond);

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
