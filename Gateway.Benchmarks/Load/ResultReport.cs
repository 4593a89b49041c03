using System.Globalization;
using System.Text;

namespace McpGateway.Benchmarks.Load;

/// <summary>The Markdown report of a load run: per target and connection count, ratios, idle memory.</summary>
internal static class ResultReport
{
    public static string Format(IReadOnlyList<TargetResult> results, IReadOnlyList<IdleResult> idle, IReadOnlyList<string> notes)
    {
        var text = new StringBuilder();
        text.AppendLine("## McpGateway load results").AppendLine();
        foreach (var note in notes)
        {
            text.Append("- ").AppendLine(note);
        }

        text.AppendLine();
        text.AppendLine("| Conns | Target | req/s | p50 µs | p99 µs | p99.9 µs | Errors | Relay CPU % | Relay CPU µs/req | Driver CPU % | req/s vs direct | p50 vs direct | p99 vs direct |");
        text.AppendLine("|------:|--------|------:|-------:|-------:|---------:|-------:|------------:|-----------------:|-------------:|----------------:|--------------:|--------------:|");
        foreach (var result in results)
        {
            if (result.Failure is not null)
            {
                text.AppendLine(Row(result.Connections.ToString(CultureInfo.InvariantCulture), result.Target, $"failed: {result.Failure.ReplaceLineEndings(" ")}"));
                continue;
            }

            var direct = results.FirstOrDefault(r => r.Target == "direct" && r.Connections == result.Connections && r.Failure is null);
            text.AppendLine(Row(
                result.Connections.ToString(CultureInfo.InvariantCulture),
                result.Target,
                Number(result.RequestsPerSecond, "N0"),
                Number(result.P50, "N0"),
                Number(result.P99, "N0"),
                Number(result.P999, "N0"),
                result.Errors.ToString(CultureInfo.InvariantCulture),
                Number(result.ProxyCpuPercent, "N0"),
                Number(result.ProxyCpuPerRequest, "N2"),
                Number(result.DriverCpuPercent, "N0"),
                direct is null || direct == result ? "-" : Percent(result.RequestsPerSecond / direct.RequestsPerSecond),
                direct is null || direct == result ? "-" : Times(result.P50 / direct.P50),
                direct is null || direct == result ? "-" : Times(result.P99 / direct.P99)));
        }

        Compare(text, "Gateway vs HAProxy (gateway / haproxy)", results, "gateway", "haproxy");
        Compare(text, $"The floor: naive .NET relay vs HAProxy ({LoadOptions.DotnetCopyTarget} / haproxy)", results, LoadOptions.DotnetCopyTarget, "haproxy");
        Compare(text, $"The floor: Kestrel copying vs HAProxy ({LoadOptions.KestrelCopyTarget} / haproxy)", results, LoadOptions.KestrelCopyTarget, "haproxy");
        Compare(text, $"Gateway vs its transport doing nothing (gateway / {LoadOptions.KestrelCopyTarget})", results, "gateway", LoadOptions.KestrelCopyTarget);
        Compare(text, $"Masking on vs off ({LoadDriver.MaskedGateway} / gateway)", results, LoadDriver.MaskedGateway, "gateway");

        var recorded = results
            .Where(r => r.Target.StartsWith("gateway-audit", StringComparison.Ordinal) && r.Failure is null)
            .Select(a => (Audit: a, Gateway: results.FirstOrDefault(g => g.Target == "gateway" && g.Connections == a.Connections && g.Failure is null)))
            .Where(p => p.Gateway is not null)
            .ToList();
        if (recorded.Count > 0)
        {
            text.AppendLine().AppendLine("### Recording cost (gateway recording / gateway not recording)").AppendLine();
            text.AppendLine("| Conns | Target | req/s | p50 | p99 | Relay CPU µs/req |");
            text.AppendLine("|------:|--------|------:|----:|----:|-----------------:|");
            foreach (var (audit, gateway) in recorded)
            {
                text.AppendLine(Row(
                    audit.Connections.ToString(CultureInfo.InvariantCulture),
                    audit.Target,
                    Percent(audit.RequestsPerSecond / gateway!.RequestsPerSecond),
                    Times(audit.P50 / gateway.P50),
                    Times(audit.P99 / gateway.P99),
                    Times(audit.ProxyCpuPerRequest / gateway.ProxyCpuPerRequest)));
            }
        }

        if (idle.Count > 0)
        {
            text.AppendLine().AppendLine("### Memory per idle connection (relay process VmRSS)").AppendLine();
            text.AppendLine("| Target | Idle connections | RSS before MiB | RSS after MiB | KiB per connection |");
            text.AppendLine("|--------|-----------------:|---------------:|--------------:|-------------------:|");
            foreach (var result in idle)
            {
                text.AppendLine(result.Failure is not null
                    ? Row(result.Target, result.Connections.ToString(CultureInfo.InvariantCulture), $"failed: {result.Failure.ReplaceLineEndings(" ")}")
                    : Row(
                        result.Target,
                        result.Connections.ToString(CultureInfo.InvariantCulture),
                        Number(result.BeforeKiB / 1024.0, "N1"),
                        Number(result.AfterKiB / 1024.0, "N1"),
                        Number(result.KiBPerConnection, "N1")));
            }
        }

        return text.ToString();
    }

    /// <summary>A table of ratios, <paramref name="target"/> over <paramref name="baseline"/>, at each connection count both ran at.</summary>
    private static void Compare(StringBuilder text, string title, IReadOnlyList<TargetResult> results, string target, string baseline)
    {
        var pairs = results
            .Where(r => r.Target == target && r.Failure is null)
            .Select(t => (Target: t, Baseline: results.FirstOrDefault(b => b.Target == baseline && b.Connections == t.Connections && b.Failure is null)))
            .Where(p => p.Baseline is not null)
            .ToList();
        if (pairs.Count == 0)
        {
            return;
        }

        text.AppendLine().AppendLine($"### {title}").AppendLine();
        text.AppendLine("| Conns | req/s | Relay CPU µs/req | p50 | p99 | p99.9 |");
        text.AppendLine("|------:|------:|-----------------:|----:|----:|------:|");
        foreach (var (measured, reference) in pairs)
        {
            text.AppendLine(Row(
                measured.Connections.ToString(CultureInfo.InvariantCulture),
                Percent(measured.RequestsPerSecond / reference!.RequestsPerSecond),
                Times(measured.ProxyCpuPerRequest / reference.ProxyCpuPerRequest),
                Times(measured.P50 / reference.P50),
                Times(measured.P99 / reference.P99),
                Times(measured.P999 / reference.P999)));
        }
    }

    private static string Row(params string[] cells) => $"| {string.Join(" | ", cells)} |";

    private static string Number(double value, string format) =>
        double.IsNaN(value) || double.IsInfinity(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture);

    private static string Percent(double ratio) => Number(ratio * 100, "N0") + " %";

    private static string Times(double ratio) => Number(ratio, "N2") + "×";
}
