using System.Diagnostics.Metrics;
using Prometheus;

namespace McpGateway.Core.Diagnostics;

/// <summary>
/// One instrument as a prometheus-net collector, and its series found by label set without allocating (a linear scan
/// of a copy-on-write array: the label sets are few). A new label set allocates once; past <see cref="MaxSeries"/>
/// further ones are dropped. The collector's label names are the instrument's declared ones
/// (<see cref="GatewayMetrics.LabelNamesOf"/>), so a series without labels shows 0 before its first measurement; an
/// instrument that declares none takes the names of its first measurement's tags.
/// </summary>
internal sealed class InstrumentSeries
{
    public const int MaxSeries = 256;

    private readonly Lock _gate = new();
    private readonly MetricFactory _factory;
    private string[]? _labelNames;
    private Collector? _collector;
    private MetricSeries[] _series = [];

    public InstrumentSeries(Instrument instrument, MetricFactory factory, string[]? labelNames)
    {
        Instrument = instrument;
        _factory = factory;
        if (labelNames is not null)
        {
            Create(labelNames);
        }
    }

    public Instrument Instrument { get; }

    public IReadOnlyList<MetricSeries> Series => Volatile.Read(ref _series);

    /// <summary>The Prometheus name: dots become underscores, the unit a suffix (<c>_seconds</c>, <c>_bytes</c>), and a counter ends in <c>_total</c>.</summary>
    public static string PrometheusName(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_') + instrument.Unit switch
        {
            "s" => "_seconds",
            "By" => "_bytes",
            _ => "",
        };
        return IsCounter(instrument) ? name + "_total" : name;
    }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        switch (Find(tags)?.Child)
        {
            case ICounter counter when Instrument.IsObservable:
                counter.IncTo(value);
                break;
            case ICounter counter when value >= 0:
                counter.Inc(value);
                break;
            case IGauge gauge when Instrument.IsObservable:
                gauge.Set(value);
                break;
            case IGauge gauge:
                gauge.Inc(value);
                break;
            case IHistogram histogram:
                histogram.Observe(value);
                break;
        }
    }

    private static bool IsCounter(Instrument instrument) =>
        instrument is Counter<long> or Counter<double> or ObservableCounter<long> or ObservableCounter<double>;

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

            if (_collector is null)
            {
                Create([.. labels.Select(l => l.Key)]);
            }

            var added = new MetricSeries(labels, Child(labels));
            Volatile.Write(ref _series, [.. _series, added]);
            return added;
        }
    }

    private void Create(string[] labelNames)
    {
        _labelNames = labelNames;
        var name = PrometheusName(Instrument);
        var help = Instrument.Description ?? "";
        _collector = Instrument switch
        {
            _ when IsCounter(Instrument) => _factory.CreateCounter(name, help, labelNames),
            Histogram<double> or Histogram<long> => _factory.CreateHistogram(name, help, labelNames, new HistogramConfiguration
            {
                Buckets = [.. (Instrument as Histogram<double>)?.Advice?.HistogramBucketBoundaries ?? GatewayMetrics.LatencyBuckets],
            }),
            _ => _factory.CreateGauge(name, help, labelNames),
        };
    }

    /// <summary>The collector's child for a label set: values matched to the collector's label names by key ("" for a missing one).</summary>
    private ICollectorChild Child(KeyValuePair<string, string>[] labels)
    {
        var values = new string[_labelNames!.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = labels.FirstOrDefault(l => l.Key == _labelNames[i]).Value ?? "";
        }

        return _collector switch
        {
            // A collector without labels is its own (unlabelled) series.
            Counter counter => values.Length == 0 ? counter : counter.WithLabels(values),
            Histogram histogram => values.Length == 0 ? histogram : histogram.WithLabels(values),
            Gauge gauge => values.Length == 0 ? gauge : gauge.WithLabels(values),
            _ => throw new InvalidOperationException($"no collector for {Instrument.Name}"),
        };
    }
}
