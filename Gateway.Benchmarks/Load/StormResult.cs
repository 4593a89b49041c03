namespace McpGateway.Benchmarks.Load;

/// <summary>One auth mode of a connect storm: cycle rate, handshake and cycle latency, gateway and driver CPU.</summary>
internal sealed record StormResult(
    string Auth,
    int Workers,
    double Seconds,
    long Cycles,
    long Failures,
    LatencyHistogram? Handshake,
    LatencyHistogram? Cycle,
    TimeSpan? GatewayCpu,
    TimeSpan DriverCpu,
    string? LoadAverage,
    string? Failure = null)
{
    public double CyclesPerSecond => Cycles / Seconds;

    public double HandshakeP50 => Handshake?.PercentileMicroseconds(50) ?? double.NaN;

    public double HandshakeP99 => Handshake?.PercentileMicroseconds(99) ?? double.NaN;

    public double HandshakeP999 => Handshake?.PercentileMicroseconds(99.9) ?? double.NaN;

    public double CycleP50 => Cycle?.PercentileMicroseconds(50) ?? double.NaN;

    public double CycleP99 => Cycle?.PercentileMicroseconds(99) ?? double.NaN;

    /// <summary>Gateway process CPU per completed cycle, in microseconds.</summary>
    public double GatewayCpuPerCycle => GatewayCpu is { } cpu && Cycles > 0 ? cpu.TotalMicroseconds / Cycles : double.NaN;

    public double GatewayCpuPercent => GatewayCpu is { } cpu ? cpu.TotalSeconds / Seconds * 100 : double.NaN;

    public double DriverCpuPercent => DriverCpu.TotalSeconds / Seconds * 100;

    public static StormResult Failed(string auth, int workers, string why) =>
        new(auth, workers, 1, 0, 0, null, null, null, TimeSpan.Zero, null, why);
}
