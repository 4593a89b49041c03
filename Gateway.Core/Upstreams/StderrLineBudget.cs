namespace McpGateway.Core.Upstreams;

/// <summary>
/// How many of a stdio server's stderr lines reach the log: up to <see cref="LinesPerWindow"/> in each
/// <see cref="Window"/>; the rest are counted and reported as one line when the next window opens (or the server
/// exits). A server that explains why it cannot start ("Cannot find module", "missing DATABASE_URL") is heard; one
/// that writes a line per request cannot flood the log.
/// </summary>
internal sealed class StderrLineBudget(TimeProvider timeProvider)
{
    public const int LinesPerWindow = 20;

    public static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

    private long _windowStart = timeProvider.GetTimestamp();
    private int _logged;
    private int _suppressed;

    /// <summary>
    /// True when this line may be logged. <paramref name="suppressedBefore"/> is the number of lines dropped in the
    /// window that just closed, to report first (0 when there is nothing to report).
    /// </summary>
    public bool TryTake(out int suppressedBefore)
    {
        suppressedBefore = 0;
        if (timeProvider.GetElapsedTime(_windowStart) >= Window)
        {
            suppressedBefore = _suppressed;
            _windowStart = timeProvider.GetTimestamp();
            _logged = 0;
            _suppressed = 0;
        }

        if (_logged < LinesPerWindow)
        {
            _logged++;
            return true;
        }

        _suppressed++;
        return false;
    }

    /// <summary>Lines dropped and not yet reported; resets the count.</summary>
    public int TakeSuppressed()
    {
        var suppressed = _suppressed;
        _suppressed = 0;
        return suppressed;
    }
}
