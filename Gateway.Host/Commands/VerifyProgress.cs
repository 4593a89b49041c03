using System.Globalization;

namespace McpGateway.Host.Commands;

/// <summary>
/// The progress lines of <c>mcpgw audit verify</c> on the error output: records done out of about how many, the rate
/// so far and the time left at that rate, at most once per <see cref="AuditCommand.ProgressEvery"/>; then one closing
/// line with the total. <paramref name="expected"/> is the store's record count as its head says before the run (the
/// store may grow meanwhile, so it is only an estimate; 0 when unknown, which leaves out the share and the time left).
/// </summary>
internal sealed class VerifyProgress(TextWriter error, TimeProvider time, long expected)
{
    private readonly long _started = time.GetTimestamp();
    private TimeSpan _reported;

    /// <summary>Called by the verifier every <see cref="Core.Recording.CheckpointPolicy.ProgressEvery"/> records.</summary>
    public void Report(long done)
    {
        var elapsed = time.GetElapsedTime(_started);
        if (elapsed - _reported < AuditCommand.ProgressEvery)
        {
            return;
        }

        _reported = elapsed;
        error.WriteLine(Line(done, elapsed, expected));
    }

    /// <summary>The closing line, once the verifier is done.</summary>
    public void Finish(long records)
    {
        var elapsed = time.GetElapsedTime(_started);
        error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mcpgw: verified {records:N0} records in {elapsed.TotalSeconds:F1} s ({Rate(records, elapsed):N0} records/s)"));
    }

    /// <summary>One progress line: <c>mcpgw: verified 1,200,000 of 3,000,000 records (40 %), 800,000 records/s, about 2 s left</c>.</summary>
    internal static string Line(long done, TimeSpan elapsed, long expected)
    {
        var rate = Rate(done, elapsed);
        if (expected <= done || rate <= 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"mcpgw: verified {done:N0} records, {rate:N0} records/s");
        }

        var left = TimeSpan.FromSeconds(Math.Ceiling((expected - done) / rate));
        return string.Create(CultureInfo.InvariantCulture, $"mcpgw: verified {done:N0} of {expected:N0} records ({100 * done / expected} %), {rate:N0} records/s, about {Left(left)} left");
    }

    private static double Rate(long records, TimeSpan elapsed) => records / Math.Max(elapsed.TotalSeconds, 0.001);

    private static string Left(TimeSpan left) => left.TotalMinutes < 1
        ? string.Create(CultureInfo.InvariantCulture, $"{left.TotalSeconds:F0} s")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)left.TotalMinutes} min {left.Seconds} s");
}
