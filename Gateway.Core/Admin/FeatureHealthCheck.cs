using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace McpGateway.Core.Admin;

/// <summary>Ready when every feature's <see cref="IReadinessCheck"/> is (e.g. out-of-process inspectors are connected).</summary>
internal sealed class FeatureHealthCheck(IEnumerable<IReadinessCheck> checks) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Readiness.Of([.. checks.SelectMany(c => c.NotReady())]));
}
