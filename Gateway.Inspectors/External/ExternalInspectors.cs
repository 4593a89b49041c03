using McpGateway.Core.Admin;
using McpGateway.Core.Configuration;
using McpGateway.Core.Hosting;
using McpGateway.Inspectors.Masking;
using McpGateway.Core.Recording;
using McpGateway.Inspectors.Approval;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.External;

/// <summary>
/// Registers each <c>externalInspectors</c> entry as a middle inspector under its name (the <c>inspectors</c> list
/// places it), with a supervisor that starts it with the gateway and a readiness check for <c>/readyz</c>.
/// </summary>
internal static class ExternalInspectors
{
    public static IServiceCollection AddExternalInspectors(this IServiceCollection services, GatewaySettings settings)
    {
        foreach (var inspector in ExternalInspectorValidator.Load(settings))
        {
            var client = (IServiceProvider sp) => sp.GetRequiredKeyedService<ExternalInspectorClient>(inspector.Name);
            services.AddKeyedSingleton(inspector.Name, (sp, _) => new ExternalInspectorClient(
                inspector,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("McpGateway.Inspectors.External")));
            // Not AddHostedService: it adds a factory only once per implementation type, and every inspector has its own supervisor.
            services.AddSingleton<IHostedService>(client);
            services.AddSingleton<IReadinessCheck>(client);
            if (inspector.Approval is not null)
            {
                // What it holds is decided by its own approver groups, through the admin API and the console alike.
                services.AddSingleton<IApproverGroupSource>(new ExternalApproverGroups(inspector));
            }

            services.AddInspector(inspector.Name, sp => new ExternalInspector(
                client(sp),
                new ExternalInspectorAudit(sp.GetRequiredService<TimeProvider>(), sp.GetService<IAuditStore>(), sp.GetService<IRecordMasker>()),
                sp.GetRequiredService<ILogger<ExternalInspector>>(),
                sp.GetService<IRecordMasker>(),
                sp.GetService<ApprovalGate>()));
        }

        return services;
    }
}
