using McpGateway.Core.Recording;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace McpGateway.Core.Admin;

/// <summary>Ready when the audit store (when recording is on) can take writes; a probe that succeeds also puts a failed store back.</summary>
internal sealed class AuditStoreHealthCheck(IAuditStore? auditStore = null) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Readiness.Of(auditStore is null || await auditStore.ProbeAsync(cancellationToken).ConfigureAwait(false) ? [] : ["audit:store"]);
}
