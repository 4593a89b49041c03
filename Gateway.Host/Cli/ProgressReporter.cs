using System.Globalization;
using McpGateway.Core.Recording;

namespace McpGateway.Host.Cli;

/// <summary>
/// Progress of a long pass over the audit store, on the error output so that stdout stays the command's result: a line
/// at the first report, then at most one per <see cref="Interval"/>, and a closing line with the count, the time and
/// the rate. Lines read <c>mcpgw: purged 12,000 of 50,000 records (24%, 6,000 records/s)</c>.
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
    public ProgressReporter(TextWriter error, string verb, TimeProvider timeProvider, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _error = error;
        _verb = verb;
        _timeProvider = timeProvider;
        Interval = interval;
        _started = timeProvider.GetTimestamp();
    }

    public TimeSpan Interval { get; }

    /// <summary>
    /// A reporter when progress is wanted: asked for with <c>--progress</c>, or the command writes to the process's own
    /// standard error and that is a terminal (a person is waiting); otherwise null (scripts and logs stay quiet).
    /// </summary>
    public static ProgressReporter? For(bool requested, TextWriter error, string verb, TimeProvider timeProvider) =>
        requested || (ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected)
            ? new ProgressReporter(error, verb, timeProvider, DefaultInterval)
            : null;

    public void Report(AuditProgress value) => Report(value.Done, value.Total);

    /// <param name="total">All there is to do, when known (0 when not).</param>
    public void Report(long done, long total)
    {
        var now = _timeProvider.GetTimestamp();
        if (_lastReported is { } last && _timeProvider.GetElapsedTime(last, now) < Interval)
        {
            return;
        }

        _lastReported = now;
        var rate = Rate(done, _timeProvider.GetElapsedTime(_started, now));
        _error.WriteLine(total > 0
            ? string.Create(CultureInfo.InvariantCulture, $"mcpgw: {_verb} {done:N0} of {total:N0} records ({Percent(done, total)}%, {rate:N0} records/s)")
            : string.Create(CultureInfo.InvariantCulture, $"mcpgw: {_verb} {done:N0} records ({rate:N0} records/s)"));
    }

    /// <summary>The closing line: how many records, in how long.</summary>
    public void Complete(long done)
    {
        var elapsed = _timeProvider.GetElapsedTime(_started);
        _error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mcpgw: {_verb} {done:N0} records in {elapsed.TotalSeconds:F1} s ({Rate(done, elapsed):N0} records/s)"));
    }

    private static long Percent(long done, long total) => Math.Clamp(done * 100 / total, 0, 100);

    private static double Rate(long done, TimeSpan elapsed) => done / Math.Max(elapsed.TotalSeconds, 0.001);
}
