namespace McpGateway.Benchmarks.Load;

/// <summary>One target at one connection count: throughput, latency, and CPU of the relay and of the driver.</summary>
internal sealed record TargetResult(
    string Target,
    int Connections,
    double Seconds,
    long Requests,
    long Errors,
    LatencyHistogram? Latency,
    TimeSpan? ProxyCpu,
    TimeSpan DriverCpu,
    string? Failure = null)
{
    public double RequestsPerSecond => Requests / Seconds;

    public double P50 => Latency?.PercentileMicroseconds(50) ?? double.NaN;

    public double P99 => Latency?.PercentileMicroseconds(99) ?? double.NaN;

    public double P999 => Latency?.PercentileMicroseconds(99.9) ?? double.NaN;

    /// <summary>Relay process CPU per relayed request (request and response), in microseconds.</summary>
    public double ProxyCpuPerRequest => ProxyCpu is { } cpu && Requests > 0 ? cpu.TotalMicroseconds / Requests : double.NaN;

    /// <summary>Relay process CPU as a percentage of one core.</summary>
    public double ProxyCpuPercent => ProxyCpu is { } cpu ? cpu.TotalSeconds / Seconds * 100 : double.NaN;

    public double DriverCpuPercent => DriverCpu.TotalSeconds / Seconds * 100;

    public static TargetResult Failed(string target, int connections, string why) =>
        new(target, connections, 1, 0, 0, null, null, TimeSpan.Zero, why);
}
