using McpGateway.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Approval;

/// <summary>The store the <c>approvals</c> section asks for.</summary>
internal static class ApprovalStores
{
    public static IApprovalStore Create(ApprovalSettings settings, TimeProvider timeProvider, ILogger logger) =>
        settings.PostgresConnectionString is { } connectionString
            ? new PostgresApprovalStore(connectionString, timeProvider, logger)
            : new SqliteApprovalStore(settings.StorePath, timeProvider);
}
