namespace McpGateway.Core.Diagnostics;

/// <summary>One label set of one instrument: a running value, or a histogram's buckets, count and sum.</summary>
internal sealed class MetricSeries
{
    private readonly long[]? _buckets;
    private long _count;
    private double _sum;

    public MetricSeries(KeyValuePair<string, string>[] labels, int bucketCount)
    {
        Labels = labels;
        _buckets = bucketCount == 0 ? null : new long[bucketCount];
    }

    public KeyValuePair<string, string>[] Labels { get; }

    /// <summary>The value of a counter or gauge; a histogram's sum.</summary>
    public double Sum => Volatile.Read(ref _sum);

    public long Count => Interlocked.Read(ref _count);

    public long Bucket(int index) => Interlocked.Read(ref _buckets![index]);

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

    public void Add(double value)
    {
        double current;
        do
        {
            current = Volatile.Read(ref _sum);
        }
        while (Interlocked.CompareExchange(ref _sum, current + value, current) != current);
    }

    /// <summary>An observable instrument reports its whole value on each collection.</summary>
    public void Set(double value) => Volatile.Write(ref _sum, value);

    public void Observe(double value, double[] bounds)
    {
        var index = 0;
        while (index < bounds.Length && value > bounds[index])
        {
            index++;
        }

        Interlocked.Increment(ref _buckets![index]);
        Interlocked.Increment(ref _count);
        Add(value);
    }
}
