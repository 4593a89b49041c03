using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace McpGateway.Benchmarks.Recording;

/// <summary>µs per record: the mean time of one operation (one group commit) over the case's <c>GroupSize</c>.</summary>
public sealed class PerRecordColumn : IColumn
{
    public string Id => nameof(PerRecordColumn);

    public string ColumnName => "µs/record";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Mean time of one group commit over the records in it, in microseconds";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        var groupSize = benchmarkCase.Parameters[nameof(SegmentLogBenchmarks.GroupSize)] is int size ? size : 0;
        return mean is > 0 && groupSize > 0
            ? (mean.Value / 1e3 / groupSize).ToString("N2", CultureInfo.InvariantCulture)
            : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
