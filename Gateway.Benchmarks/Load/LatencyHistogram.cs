using System.Diagnostics;

namespace McpGateway.Benchmarks.Load;

/// <summary>
/// A log-linear latency histogram (HdrHistogram's layout, 64 sub-buckets per power of two: at most 1.6% error)
/// over nanoseconds, up to about 18 minutes. Recording is one array increment; one instance per connection, merged
/// at the end, so nothing is shared while the load runs.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 6;
    private const int SubBuckets = 1 << SubBucketBits;
    private const int MaxMagnitude = 34;

    private readonly long[] _counts = new long[((MaxMagnitude + 2) * SubBuckets) + 1];

    public long Count { get; private set; }

    public void RecordTicks(long stopwatchTicks)
    {
        var nanoseconds = Stopwatch.Frequency == 1_000_000_000 ? stopwatchTicks : (long)(stopwatchTicks * (1e9 / Stopwatch.Frequency));
        Record(Math.Max(0, nanoseconds));
    }

    public void Record(long nanoseconds)
    {
        var index = Math.Min(IndexOf(nanoseconds), _counts.Length - 1);
        _counts[index]++;
        Count++;
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
    }

    /// <summary>The latency at <paramref name="percentile"/> (0-100), in microseconds; the middle of its bucket.</summary>
    public double PercentileMicroseconds(double percentile)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        var rank = (long)Math.Ceiling(percentile / 100 * Count);
        rank = Math.Clamp(rank, 1, Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return MiddleOf(i) / 1000.0;
            }
        }

        return MiddleOf(_counts.Length - 1) / 1000.0;
    }

    // Values below 2*SubBuckets map to themselves; above, each power of two holds SubBuckets buckets.
    private static int IndexOf(long value)
    {
        var magnitude = (int)Math.Max(0, 63 - long.LeadingZeroCount(value | 1) - SubBucketBits);
        return (int)((magnitude * SubBuckets) + (value >> magnitude));
    }

    private static double MiddleOf(int index)
    {
        if (index < 2 * SubBuckets)
        {
            return index;
        }

        var magnitude = (index / SubBuckets) - 1;
        var lower = (long)(index - (magnitude * SubBuckets)) << magnitude;
        return lower + ((1L << magnitude) / 2.0);
    }
}
