using McpGateway.Core.Diagnostics;

namespace McpGateway.WebConsole.Live;

/// <summary>
/// The overview's counts, read from the same series <c>/metrics</c> exports: connections open, sessions
/// authenticated, client frames per second (the rate over at least the last second), requests pending, calls held for
/// approval, and refusals (sessions refused and frames not forwarded) by reason.
/// </summary>
internal sealed class ConsoleMetrics(PrometheusExporter exporter, TimeProvider timeProvider)
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private long _previousAt = timeProvider.GetTimestamp();
    private double _previousFrames = double.NaN;
    private double _rate;

    public OverviewSnapshot Read()
    {
        var series = exporter.Snapshot();
        double Sum(string instrument, Func<KeyValuePair<string, string>[], bool>? where = null) =>
            series.Where(s => s.Instrument == instrument && (where is null || where(s.Labels))).Sum(s => s.Value);

        var frames = Sum("mcpgw.frames", labels => labels.Any(l => l is { Key: "direction", Value: "client_to_upstream" }));
        var refusals = series
            .Where(s => s.Instrument is "mcpgw.verdicts" or "mcpgw.sessions.refused")
            .GroupBy(s => s.Labels.FirstOrDefault(l => l.Key == "reason").Value ?? "unspecified", StringComparer.Ordinal)
            .Select(g => new KeyValuePair<string, long>(g.Key, (long)g.Sum(s => s.Value)))
            .Where(p => p.Value > 0)
            .OrderByDescending(p => p.Value)
            .ThenBy(p => p.Key, StringComparer.Ordinal)
            .ToList();
        return new OverviewSnapshot(
            (long)Sum("mcpgw.connections.active"),
            (long)Sum("mcpgw.sessions.authenticated"),
            Rate(frames),
            (long)Sum("mcpgw.requests.pending"),
            (long)Sum("mcpgw.approvals.pending"),
            refusals,
            timeProvider.GetUtcNow());
    }

    private double Rate(double frames)
    {
        lock (_gate)
        {
            var elapsed = timeProvider.GetElapsedTime(_previousAt);
            if (double.IsNaN(_previousFrames))
            {
                _previousFrames = frames;
                _previousAt = timeProvider.GetTimestamp();
            }
            else if (elapsed >= RateWindow)
            {
                _rate = Math.Max(0, frames - _previousFrames) / elapsed.TotalSeconds;
                _previousFrames = frames;
                _previousAt = timeProvider.GetTimestamp();
            }

            return _rate;
        }
    }
}
