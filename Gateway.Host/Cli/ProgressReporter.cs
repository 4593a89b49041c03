using System.Globalization;
using McpGateway.Core.Recording;

namespace McpGateway.Host.Cli;

/// <summary>
/// Progress of a long pass over the audit store, on the error output so that stdout stays the command's result: a line
/// at the first report, then at most one per <see cref="Interval"/>, and a closing line with the count, the time and
/// the rate. Lines read <c>mcpgw: purged 12,000 of 50,000 records (24%, 6,000 records/s)</c>; with
/// <see cref="TimeLeft"/>, <c>mcpgw: verified 1,200,000 of 3,000,000 records (40 %), 800,000 records/s, about 3 s left</c>.
/// </summary>
internal sealed class ProgressReporter : IProgress<AuditProgress>
{
    /// <summary>How often a command reports, at most, after its first line.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(2);

    private readonly TextWriter _error;
    private readonly string _verb;
    private readonly TimeProvider _timeProvider;
    private readonly long _started;
    private long? _lastReported;

    /// <param name="verb">What is done to the records, in the past tense: <c>purged</c>, <c>scanned</c>.</param>
    /// <param name="timeLeft">Whether the lines say the time left (<see cref="TimeLeft"/>).</param>
    public ProgressReporter(TextWriter error, string verb, TimeProvider timeProvider, TimeSpan interval, bool timeLeft = false)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _error = error;
        _verb = verb;
        _timeProvider = timeProvider;
        Interval = interval;
        TimeLeft = timeLeft;
        _started = timeProvider.GetTimestamp();
    }

    public TimeSpan Interval { get; }

    /// <summary>
    /// The lines also say how long is left at the rate so far (<c>verify</c>, whose passes are long). Such a guess needs
    /// a rate measured over a while, so the first line waits one <see cref="Interval"/> instead of coming at once; a
    /// pass shorter than that shows only the closing line.
    /// </summary>
    public bool TimeLeft { get; }

    /// <summary>
    /// A reporter when progress is wanted: asked for with <c>--progress</c>, or the command writes to the process's own
    /// standard error and that is a terminal (a person is waiting); otherwise null (scripts and logs stay quiet).
    /// </summary>
    public static ProgressReporter? For(bool requested, TextWriter error, string verb, TimeProvider timeProvider, bool timeLeft = false) =>
        requested || (ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected)
            ? new ProgressReporter(error, verb, timeProvider, DefaultInterval, timeLeft)
            : null;

    public void Report(AuditProgress value) => Report(value.Done, value.Total);

    /// <param name="total">All there is to do, when known (0 when not).</param>
    public void Report(long done, long total)
    {
        var now = _timeProvider.GetTimestamp();
        if ((_lastReported ?? (TimeLeft ? _started : (long?)null)) is { } last && _timeProvider.GetElapsedTime(last, now) < Interval)
        {
            return;
        }

        _lastReported = now;
        var rate = Rate(done, _timeProvider.GetElapsedTime(_started, now));
        _error.WriteLine(TimeLeft ? LineWithTimeLeft(done, total, rate) : Line(done, total, rate));
    }

    /// <summary>The closing line: how many records, in how long.</summary>
    public void Complete(long done)
    {
        var elapsed = _timeProvider.GetElapsedTime(_started);
        _error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mcpgw: {_verb} {done:N0} records in {elapsed.TotalSeconds:F1} s ({Rate(done, elapsed):N0} records/s)"));
    }

    private string Line(long done, long total, double rate) => total > 0
        ? string.Create(CultureInfo.InvariantCulture, $"mcpgw: {_verb} {done:N0} of {total:N0} records ({Percent(done, total)}%, {rate:N0} records/s)")
        : string.Create(CultureInfo.InvariantCulture, $"mcpgw: {_verb} {done:N0} records ({rate:N0} records/s)");

    /// <param name="total">An estimate taken before the pass (the store may grow meanwhile): once passed, or when unknown, only the count and the rate.</param>
    private string LineWithTimeLeft(long done, long total, double rate)
    {
        if (total <= done || rate <= 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"mcpgw: {_verb} {done:N0} records, {rate:N0} records/s");
        }

        var left = TimeSpan.FromSeconds(Math.Ceiling((total - done) / rate));
        return string.Create(CultureInfo.InvariantCulture, $"mcpgw: {_verb} {done:N0} of {total:N0} records ({Percent(done, total)} %), {rate:N0} records/s, about {Duration(left)} left");
    }

    private static long Percent(long done, long total) => Math.Clamp(done * 100 / total, 0, 100);

    private static double Rate(long done, TimeSpan elapsed) => done / Math.Max(elapsed.TotalSeconds, 0.001);

    private static string Duration(TimeSpan span) => span.TotalMinutes < 1
        ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:F0} s")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes} min {span.Seconds} s");
}
