namespace McpGateway.Benchmarks.Load;

/// <summary>Resident memory of a relay process before and after it holds <see cref="Connections"/> idle connections.</summary>
internal sealed record IdleResult(string Target, int Connections, long BeforeKiB, long AfterKiB, string? Failure = null)
{
    public double KiBPerConnection => Connections > 0 ? (AfterKiB - BeforeKiB) / (double)Connections : double.NaN;

    public static IdleResult Failed(string target, int connections, string why) => new(target, connections, 0, 0, why);
}
