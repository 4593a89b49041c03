using System.Diagnostics.Metrics;

namespace McpGateway.Core.Diagnostics;

/// <summary>
/// The series of one instrument, found by label set without allocating (a linear scan of a copy-on-write array: the
/// label sets are few). A new label set allocates once; past <see cref="MaxSeries"/> further ones are dropped.
/// </summary>
internal sealed class InstrumentSeries
{
    public const int MaxSeries = 256;

    private readonly Lock _gate = new();
    private MetricSeries[] _series = [];

    public InstrumentSeries(Instrument instrument, double[]? bounds)
    {
        Instrument = instrument;
        Bounds = bounds;
    }

    public Instrument Instrument { get; }

    /// <summary>Histogram bucket upper bounds; null for counters and gauges.</summary>
    public double[]? Bounds { get; }

    public IReadOnlyList<MetricSeries> Series => Volatile.Read(ref _series);

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = Find(tags);
        if (series is null)
        {
            return;
        }

        if (Instrument.IsObservable)
        {
            series.Set(value);
        }
        else if (Bounds is null)
        {
            series.Add(value);
        }
        else
        {
            series.Observe(value, Bounds);
        }
    }

    private MetricSeries? Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var series in Volatile.Read(ref _series))
        {
            if (series.Matches(tags))
            {
                return series;
            }
        }

        lock (_gate)
        {
            foreach (var series in _series)
            {
                if (series.Matches(tags))
                {
                    return series;
                }
            }

            if (_series.Length >= MaxSeries)
            {
                return null;
            }

            var labels = new KeyValuePair<string, string>[tags.Length];
            for (var i = 0; i < tags.Length; i++)
            {
                labels[i] = new(tags[i].Key, tags[i].Value?.ToString() ?? "");
            }

            var added = new MetricSeries(labels, Bounds is null ? 0 : Bounds.Length + 1);
            Volatile.Write(ref _series, [.. _series, added]);
            return added;
        }
    }
}
