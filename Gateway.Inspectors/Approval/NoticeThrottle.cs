namespace McpGateway.Inspectors.Approval;

/// <summary>
/// How many notices of held calls go out per identity and rule: at most <c>max</c> in each fixed <c>window</c>; the
/// rest are dropped (the held calls still wait, and approvers still find them through the CLI and the admin API).
/// Thread-safe; never blocks beyond a short lock.
/// </summary>
internal sealed class NoticeThrottle(int max, TimeSpan window, TimeProvider time)
{
    /// <summary>Beyond this many keys, windows that have ended are swept out.</summary>
    private const int SweepAbove = 4096;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Subject, string Rule), Window> _windows = [];
    private long _dropped;

    /// <summary>Notices dropped since start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>True when the notice may go out; otherwise it is counted, and <paramref name="firstDropped"/> says whether it is the first one dropped in its window.</summary>
    public bool TryAdmit(string subject, string rule, out bool firstDropped)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_windows.Count > SweepAbove)
            {
                foreach (var key in _windows.Where(w => now - w.Value.Start >= window).Select(w => w.Key).ToList())
                {
                    _windows.Remove(key);
                }
            }

            if (!_windows.TryGetValue((subject, rule), out var current) || now - current.Start >= window)
            {
                current = new Window(now);
                _windows[(subject, rule)] = current;
            }

            if (current.Sent < max)
            {
                current.Sent++;
                firstDropped = false;
                return true;
            }

            firstDropped = current.Dropped++ == 0;
        }

        Interlocked.Increment(ref _dropped);
        return false;
    }

    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;

        public int Sent { get; set; }

        public int Dropped { get; set; }
    }
}
