using McpGateway.Core.Sessions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace McpGateway.Core.Admin;

/// <summary>Not ready once the gateway drains (SIGTERM): a load balancer stops sending new clients while calls finish.</summary>
internal sealed class DrainHealthCheck(GatewayDrain drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Readiness.Of(drain.IsDraining ? ["gateway:draining"] : []));
}
