using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Core.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace McpGateway.Core.Admin;

/// <summary>
/// The admin HTTP listener's routes: <c>/healthz</c> (200 while the process runs), <c>/readyz</c> (200 when every
/// readiness check registered with ASP.NET Core HealthChecks passes, else 503 naming what is not ready) and
/// <c>/metrics</c> (Prometheus text format, or OpenMetrics when asked for, by prometheus-net), plus the route groups
/// features register as <see cref="IAdminRoutes"/>. They are served only on the admin endpoint; the MCP listener speaks no HTTP.
/// </summary>
internal static class AdminEndpoints
{
    public static IServiceCollection AddGatewayDiagnostics(this IServiceCollection services, GatewaySettings settings)
    {
        if (settings.Telemetry is { } telemetry)
        {
            services.AddSingleton(_ => new OpenTelemetryExport(telemetry));
        }

        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<PrometheusExporter>();
        services.AddSingleton<UpstreamsHealthCheck>();
        services.AddHealthChecks()
            .AddCheck<AuthenticatorHealthCheck>("authenticator", tags: [Readiness.Tag])
            .AddCheck<AuditStoreHealthCheck>("audit", tags: [Readiness.Tag])
            .AddCheck<FeatureHealthCheck>("features", tags: [Readiness.Tag])
            .AddCheck<UpstreamsHealthCheck>("upstreams", tags: [Readiness.Tag])
            .AddCheck<DrainHealthCheck>("drain", tags: [Readiness.Tag]);

        // The health check service logs every unhealthy result as an error: a probe every few seconds during an IdP
        // outage would flood the log with what /readyz already says (and the authenticator logs once).
        services.Configure<LoggerFilterOptions>(o => o.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical));
        services.AddRoutingCore();
        return services;
    }

    public static void Map(IEndpointRouteBuilder routes)
    {
        if (routes is IApplicationBuilder app)
        {
            foreach (var pipeline in routes.ServiceProvider.GetServices<IAdminPipeline>())
            {
                pipeline.Configure(app);
            }
        }

        // Liveness: the process answers; no check runs.
        routes.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            Predicate = static _ => false,
            ResponseWriter = static (context, _) =>
            {
                context.Response.ContentType = "text/plain; charset=utf-8";
                return context.Response.WriteAsync("ok\n", context.RequestAborted);
            },
        });
        routes.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = static check => check.Tags.Contains(Readiness.Tag),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = static (context, report) =>
            {
                var notReady = Readiness.NotReady(report);
                var body = new JsonObject
                {
                    ["status"] = notReady.Count == 0 ? "ready" : "not_ready",
                    ["notReady"] = new JsonArray([.. notReady.Select(n => JsonValue.Create(n))]),
                };
                context.Response.ContentType = "application/json; charset=utf-8";
                return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
            },
        });
        var exporter = routes.ServiceProvider.GetRequiredService<PrometheusExporter>();
        routes.MapMetrics(metrics => metrics.Registry = exporter.Registry);
        foreach (var group in routes.ServiceProvider.GetServices<IAdminRoutes>())
        {
            group.Map(routes);
        }
    }
}
