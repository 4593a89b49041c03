using System.Diagnostics.Metrics;
using McpGateway.Core.Configuration;
using McpGateway.Core.Recording;
using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Recording;

/// <summary>The store the <c>audit</c> section asks for.</summary>
internal static class AuditStores
{
    public static IAuditStore Create(AuditSettings settings, TimeProvider timeProvider, ILogger logger, Meter? meter = null) =>
        settings.PostgresConnectionString is { } connectionString
            ? new PostgresAuditStore(connectionString, settings.QueueCapacity, settings.EnqueueTimeout, timeProvider, logger, meter, settings.LogId) { SyncCommits = settings.SyncCommits }
            : new SqliteAuditStore(settings.StorePath, settings.QueueCapacity, settings.EnqueueTimeout, timeProvider, logger, meter) { SyncCommits = settings.SyncCommits };
}
