using McpGateway.Core.Admin;
using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.Hosting;
using McpGateway.Core.Identity;
using McpGateway.Inspectors.Masking;
using McpGateway.Inspectors.Policy;
using McpGateway.Core.Recording;
using McpGateway.Inspectors.Approval;
using McpGateway.Inspectors.Authentication;
using McpGateway.Inspectors.External;
using McpGateway.Inspectors.Recording;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors;

/// <summary>Registers the built-in inspectors and the authenticator the configuration asks for.</summary>
internal static class BuiltInInspectors
{
    public static IServiceCollection AddBuiltInInspectors(this IServiceCollection services, GatewaySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        switch (settings.AuthMode)
        {
            case AuthMode.None:
                services.AddSingleton<IGatewayAuthenticator, DevelopmentAuthenticator>();
                break;
            case AuthMode.Oidc:
                var oidc = settings.Oidc ?? throw new ArgumentException("auth mode oidc needs its settings", nameof(settings));
                services.AddSingleton(sp => new OidcAuthenticator(oidc, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<OidcAuthenticator>>()));
                services.AddSingleton<IGatewayAuthenticator>(sp => sp.GetRequiredService<OidcAuthenticator>());

                // Started with the gateway: one attempt to load the keys, then kept fresh in the background.
                services.AddHostedService(sp => sp.GetRequiredService<OidcAuthenticator>());
                break;
        }

        services.AddInspector<AuthenticationInspector>(AuthenticationInspector.InspectorName, ChainSlot.Authentication);
        if (settings.Policy is { } policy)
        {
            // Right after authentication, before every configured inspector: a refused call is seen by nothing else.
            var pinsPath = policy.PinsPath;
            var pinsIgnore = policy.PinsIgnore;
            services.AddSingleton(sp => new ToolPinStore(pinsPath, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("McpGateway.Policy"), pinsIgnore));
            services.AddSingleton<PolicyMonitor>();
            services.AddHostedService(sp => sp.GetRequiredService<PolicyMonitor>());
            services.AddInspector<PolicyInspector>(PolicyInspector.InspectorName, ChainSlot.Policy);
        }

        if (settings.Audit is { } audit)
        {
            // The session's terminal stage: it records every outcome once the chain has run; no inspector records.
            services.AddSingleton(sp => AuditStores.Create(
                audit,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("McpGateway.Recording"),
                sp.GetService<GatewayMetrics>()?.Meter));
            services.AddSingleton(sp => new SessionRecorder(
                sp.GetRequiredService<IAuditStore>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<SessionRecorder>>(),
                sp.GetService<IRecordMasker>()));
            services.AddSingleton<ISessionRecorder>(sp => sp.GetRequiredService<SessionRecorder>());
            services.AddSingleton<IAdminRoutes>(sp => new AuditAdminRoutes(sp.GetRequiredService<IAuditStore>(), audit, sp.GetRequiredService<TimeProvider>()));
            if (audit.SigningKeyFile is { } keyFile)
            {
                services.AddSingleton(_ => CheckpointSigner.FromPemFile(keyFile));
                services.AddHostedService(sp => new CheckpointService(
                    sp.GetRequiredService<IAuditStore>(),
                    sp.GetRequiredService<CheckpointSigner>(),
                    audit.CheckpointInterval,
                    sp.GetRequiredService<TimeProvider>(),
                    sp.GetRequiredService<ILoggerFactory>().CreateLogger("McpGateway.Recording"),
                    CheckpointAnchors.Create(audit, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("McpGateway.Recording"))));
                if (audit.Retention is { } retention)
                {
                    services.AddHostedService(sp => new RetentionService(
                        sp.GetRequiredService<IAuditStore>(),
                        sp.GetRequiredService<CheckpointSigner>(),
                        retention,
                        sp.GetRequiredService<TimeProvider>(),
                        sp.GetRequiredService<ILoggerFactory>().CreateLogger("McpGateway.Recording")));
                }
            }
        }

        if (settings.Approvals is { } approvals)
        {
            // Held calls, votes and grants; the policy inspector hands approve decisions to the gate, approvers use the desk.
            services.AddSingleton(sp => ApprovalStores.Create(approvals, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("McpGateway.Approval")));
            services.AddSingleton(sp => new ApprovalAudit(sp.GetService<IAuditStore>(), sp.GetRequiredService<TimeProvider>()));
            services.AddSingleton(sp => new ApprovalGate(
                sp.GetRequiredService<IApprovalStore>(),
                sp.GetRequiredService<ApprovalAudit>(),
                settings,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<ApprovalGate>>(),
                sp.GetServices<IApprovalNotifier>(),
                sp.GetService<IRecordMasker>(),
                sp.GetService<GatewayMetrics>(),
                sp.GetService<AdminAddress>()));
            services.AddSingleton(sp => new ApprovalReveal(sp.GetRequiredService<IApprovalStore>(), sp.GetRequiredService<ApprovalAudit>(), sp.GetRequiredService<ApprovalGate>(), approvals));
            services.AddSingleton<IApprovalDesk, ApprovalDesk>();
            services.AddSingleton(sp => new ApproverGroups(settings, sp.GetService<PolicyMonitor>(), sp.GetServices<IApproverGroupSource>()));
            services.AddSingleton<IAdminRoutes>(sp => new ApprovalAdminRoutes(sp.GetRequiredService<IApprovalDesk>(), sp.GetRequiredService<ApproverGroups>(), sp.GetRequiredService<ApprovalReveal>()));
            if (approvals.Webhook is { } webhook)
            {
                services.AddSingleton<IApprovalNotifier>(sp => new WebhookNotifier(webhook, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>().CreateLogger("McpGateway.Approval")));
            }
        }

        if (settings.Masking is { } masking)
        {
            // Last, after the configured middle: the client and the audit store (recorded once the chain has run) get masked payloads.
            services.AddSingleton(sp => new MaskProfileResolver(masking, settings, sp.GetService<PolicyMonitor>()));
            services.AddSingleton<IRecordMasker, RecordMasker>();
            services.AddInspector<MaskInspector>(MaskInspector.InspectorName, ChainSlot.Masking);
        }

        // Out-of-process inspectors: middle inspectors like a plugin's, placed by the inspectors list.
        services.AddExternalInspectors(settings);
        return services;
    }
}
