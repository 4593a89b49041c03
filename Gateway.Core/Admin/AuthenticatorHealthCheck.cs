using McpGateway.Core.Identity;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace McpGateway.Core.Admin;

/// <summary>Ready when the authenticator can accept someone (e.g. the IdP's keys are loaded and not stale).</summary>
internal sealed class AuthenticatorHealthCheck(IGatewayAuthenticator authenticator) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Readiness.Of(authenticator.IsReady ? [] : [$"authenticator:{authenticator.Mode}"]));
}
