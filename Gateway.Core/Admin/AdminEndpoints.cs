using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Core.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Core.Admin;

/// <summary>
/// The admin HTTP listener's routes: <c>/healthz</c> (200 while the process runs), <c>/readyz</c> (200 when
/// <see cref="ReadinessProbe"/> finds everything ready, else 503 naming what is not) and <c>/metrics</c> (Prometheus
/// text format), plus the route groups features register as <see cref="IAdminRoutes"/>. They are served only on the admin endpoint; the MCP listener speaks no HTTP.
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
        services.AddSingleton<ReadinessProbe>();
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

        routes.MapGet("/healthz", static context =>
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync("ok\n", context.RequestAborted);
        });
        routes.MapGet("/readyz", static async context =>
        {
            var probe = context.RequestServices.GetRequiredService<ReadinessProbe>();
            var notReady = await probe.CheckAsync(context.RequestAborted).ConfigureAwait(false);
            var body = new JsonObject
            {
                ["status"] = notReady.Count == 0 ? "ready" : "not_ready",
                ["notReady"] = new JsonArray([.. notReady.Select(n => JsonValue.Create(n))]),
            };
            context.Response.StatusCode = notReady.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
        });
        routes.MapGet("/metrics", static context =>
        {
            var exporter = context.RequestServices.GetRequiredService<PrometheusExporter>();
            context.Response.ContentType = PrometheusExporter.ContentType;
            return context.Response.WriteAsync(exporter.Write(), context.RequestAborted);
        });
        foreach (var group in routes.ServiceProvider.GetServices<IAdminRoutes>())
        {
            group.Map(routes);
        }
    }
}
