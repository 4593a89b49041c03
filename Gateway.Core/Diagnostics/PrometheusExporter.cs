using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace McpGateway.Core.Diagnostics;

/// <summary>
/// Collects the measurements of one <see cref="GatewayMetrics"/> through a <see cref="MeterListener"/> and writes them
/// in the Prometheus text exposition format 0.0.4: <c>mcpgw.frames</c> becomes the counter <c>mcpgw_frames_total</c>,
/// the histogram <c>mcpgw.chain.duration</c> (unit <c>s</c>) becomes <c>mcpgw_chain_duration_seconds</c>.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly MeterListener _listener;
    private readonly Lock _gate = new();
    private readonly List<InstrumentSeries> _instruments = [];

    public PrometheusExporter(GatewayMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (!ReferenceEquals(instrument.Meter, metrics.Meter))
                {
                    return;
                }

                var bounds = instrument is Histogram<double> histogram
                    ? [.. histogram.Advice?.HistogramBucketBoundaries ?? GatewayMetrics.LatencyBuckets]
                    : (double[]?)null;
                var series = new InstrumentSeries(instrument, bounds);
                lock (_gate)
                {
                    _instruments.Add(series);
                }

                listener.EnableMeasurementEvents(instrument, series);
            },
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentSeries)state!).Record(value, tags));
        _listener.Start();
    }

    public string Write()
    {
        _listener.RecordObservableInstruments();
        InstrumentSeries[] instruments;
        lock (_gate)
        {
            instruments = [.. _instruments];
        }

        var text = new StringBuilder();
        foreach (var instrument in instruments.OrderBy(i => i.Instrument.Name, StringComparer.Ordinal))
        {
            WriteInstrument(text, instrument);
        }

        return text.ToString();
    }

    /// <summary>Every series now, as instrument name, labels and value (a histogram's count): the console's overview.</summary>
    public IReadOnlyList<(string Instrument, KeyValuePair<string, string>[] Labels, double Value)> Snapshot()
    {
        _listener.RecordObservableInstruments();
        InstrumentSeries[] instruments;
        lock (_gate)
        {
            instruments = [.. _instruments];
        }

        return [.. instruments.SelectMany(i => i.Series.Select(s => (i.Instrument.Name, s.Labels, i.Bounds is null ? s.Sum : s.Count)))];
    }

    public void Dispose() => _listener.Dispose();

    private static void WriteInstrument(StringBuilder text, InstrumentSeries instrument)
    {
        var source = instrument.Instrument;
        var (name, type) = source switch
        {
            Counter<long> or Counter<double> => (BaseName(source) + "_total", "counter"),
            Histogram<double> or Histogram<long> => (BaseName(source), "histogram"),
            _ => (BaseName(source), "gauge"),
        };
        text.Append("# HELP ").Append(name).Append(' ').Append(source.Description?.Replace("\n", " ", StringComparison.Ordinal)).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        var series = instrument.Series;
        if (series.Count == 0 && type != "histogram")
        {
            // A counter that has not moved yet is still worth a line: a scrape can tell "zero" from "absent".
            text.Append(name).Append(" 0\n");
            return;
        }

        foreach (var one in series)
        {
            if (instrument.Bounds is null)
            {
                Sample(text, name, one.Labels, null, one.Sum);
                continue;
            }

            long cumulative = 0;
            for (var i = 0; i <= instrument.Bounds.Length; i++)
            {
                cumulative += one.Bucket(i);
                var le = i < instrument.Bounds.Length ? instrument.Bounds[i].ToString("R", CultureInfo.InvariantCulture) : "+Inf";
                Sample(text, name + "_bucket", one.Labels, le, cumulative);
            }

            Sample(text, name + "_sum", one.Labels, null, one.Sum);
            Sample(text, name + "_count", one.Labels, null, one.Count);
        }
    }

    private static string BaseName(Instrument instrument)
    {
        var name = instrument.Name.Replace('.', '_');
        return instrument.Unit switch
        {
            "s" => name + "_seconds",
            "By" => name + "_bytes",
            _ => name,
        };
    }

    private static void Sample(StringBuilder text, string name, KeyValuePair<string, string>[] labels, string? le, double value)
    {
        text.Append(name);
        if (labels.Length > 0 || le is not null)
        {
            text.Append('{');
            var first = true;
            foreach (var (key, label) in labels)
            {
                Label(text, key, label, ref first);
            }

            if (le is not null)
            {
                Label(text, "le", le, ref first);
            }

            text.Append('}');
        }

        text.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }

    private static void Label(StringBuilder text, string key, string value, ref bool first)
    {
        if (!first)
        {
            text.Append(',');
        }

        first = false;
        text.Append(key).Append("=\"");
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => text.Append("\\\\"),
                '"' => text.Append("\\\""),
                '\n' => text.Append("\\n"),
                _ => text.Append(c),
            };
        }

        text.Append('"');
    }
}
