using Prometheus;

namespace McpGateway.Core.Diagnostics;

/// <summary>One label set of one instrument: the tags it was recorded with, and the prometheus-net child it feeds.</summary>
internal sealed class MetricSeries(KeyValuePair<string, string>[] labels, ICollectorChild child)
{
    /// <summary>The tags as the instrument records them (their order), for matching a measurement without allocating.</summary>
    public KeyValuePair<string, string>[] Labels { get; } = labels;

    public ICollectorChild Child { get; } = child;

    /// <summary>A counter's or gauge's value; a histogram's count.</summary>
    public double Value => Child switch
    {
        ICounter counter => counter.Value,
        IGauge gauge => gauge.Value,
        IHistogram histogram => histogram.Count,
        _ => 0,
    };

    public bool Matches(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length != Labels.Length)
        {
            return false;
        }

        for (var i = 0; i < tags.Length; i++)
        {
            if (!string.Equals(tags[i].Key, Labels[i].Key, StringComparison.Ordinal)
                || !string.Equals(tags[i].Value as string, Labels[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}
