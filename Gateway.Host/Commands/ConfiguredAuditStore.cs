using McpGateway.Core.Configuration;
using McpGateway.Core.Recording;
using McpGateway.Inspectors;
using McpGateway.Inspectors.Recording;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Host.Commands;

/// <summary>The audit store a configuration file names, opened for the commands that read it (query, replay).</summary>
internal static class ConfiguredAuditStore
{
    /// <summary>Opens the store, or writes why not to <paramref name="error"/> and returns null.</summary>
    public static async Task<IAuditStore?> OpenAsync(string config, string purpose, TextWriter error)
    {
        GatewaySettings settings;
        try
        {
            settings = GatewayConfiguration.LoadFile(config);
        }
        catch (InvalidConfigurationException ex)
        {
            await error.WriteLineAsync($"mcpgw: {config} is invalid: {string.Join("; ", ex.Errors)}").ConfigureAwait(false);
            return null;
        }

        if (settings.Audit is null || (settings.Audit.PostgresConnectionString is null && !File.Exists(settings.Audit.StorePath)))
        {
            await error.WriteLineAsync($"mcpgw: {config} has no audit store to {purpose}").ConfigureAwait(false);
            return null;
        }

        return AuditStores.Create(settings.Audit, TimeProvider.System, NullLogger.Instance);
    }
}
