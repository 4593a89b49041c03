using System.Diagnostics.Metrics;
using System.Text;
using Prometheus;

namespace McpGateway.Core.Diagnostics;

/// <summary>
/// Publishes the measurements of one <see cref="GatewayMetrics"/> as prometheus-net collectors in a registry of this
/// gateway's own (<see cref="Registry"/>, served at <c>/metrics</c> by prometheus-net's middleware). A
/// <see cref="MeterListener"/> feeds them: <c>mcpgw.frames</c> becomes the counter <c>mcpgw_frames_total</c>, the
/// histogram <c>mcpgw.chain.duration</c> (unit <c>s</c>) <c>mcpgw_chain_duration_seconds</c>, an up-down counter or an
/// observable gauge a gauge. prometheus-net's own meter adapter is not used: it prefixes the meter's name, exports
/// counters as gauges and forgets series idle for five minutes, which would change every name operators rely on.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    private readonly MeterListener _listener;
    private readonly Lock _gate = new();
    private readonly List<InstrumentSeries> _instruments = [];

    public PrometheusExporter(GatewayMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        Registry = Metrics.NewCustomRegistry();

        // No exemplars: the session's activity is current on the pump, and an exemplar per frame would cost a lookup.
        var factory = Metrics.WithCustomRegistry(Registry);
        factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (!ReferenceEquals(instrument.Meter, metrics.Meter))
                {
                    return;
                }

                var series = new InstrumentSeries(instrument, factory, GatewayMetrics.LabelNamesOf(instrument.Name));
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
        Registry.AddBeforeCollectCallback(_listener.RecordObservableInstruments);

        // process_* (CPU, memory, open handles, threads, start time) and dotnet_* (GC collections, managed memory), as prometheus-net publishes them.
        DotNetStats.Register(Registry);
    }

    /// <summary>This gateway's collectors (two gateways in one process never share one).</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>The Prometheus text exposition format 0.0.4, as a scrape of <c>/metrics</c> gets it.</summary>
    public string Write()
    {
        using var text = new MemoryStream();

        // Into memory: prometheus-net's serializer completes synchronously there.
        Registry.CollectAndExportAsTextAsync(text).GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length);
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

        return [.. instruments.SelectMany(i => i.Series.Select(s => (i.Instrument.Name, s.Labels, s.Value)))];
    }

    public void Dispose() => _listener.Dispose();
}
