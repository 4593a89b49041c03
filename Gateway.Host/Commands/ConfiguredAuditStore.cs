using McpGateway.Core.Configuration;
using McpGateway.Core.Recording;
using McpGateway.Inspectors;
using McpGateway.Inspectors.Recording;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Host.Commands;

/// <summary>The audit store a configuration file names, opened for the commands that read it (query, replay).</summary>
internal static class ConfiguredAuditStore
{
    /// <summary>
    /// Opens the store, or writes why not to <paramref name="error"/> and returns null. With PostgreSQL it is one log:
    /// <paramref name="logId"/> (<c>--log</c>) when given, else the store's only log when <paramref name="oneLog"/>
    /// (a sequence number names a record of one log: with several, the caller must name it), else the configuration's.
    /// </summary>
    public static async Task<IAuditStore?> OpenAsync(string config, string purpose, TextWriter error, string? logId = null, bool oneLog = false)
    {
        var audit = await LoadAsync(config, purpose, error).ConfigureAwait(false);
        if (audit is null)
        {
            return null;
        }

        if (audit.PostgresConnectionString is { } connectionString && (logId is not null || oneLog))
        {
            var logs = await PostgresAuditLogs.ListAsync(connectionString, CancellationToken.None).ConfigureAwait(false);
            if (logId is not null && !logs.Contains(logId))
            {
                await error.WriteLineAsync(NoSuchLog(logId, logs)).ConfigureAwait(false);
                return null;
            }

            if (logId is null && logs.Count > 1)
            {
                await error.WriteLineAsync($"mcpgw: the audit store holds {logs.Count} logs ({Names(logs)}); name the one to {purpose} with --log").ConfigureAwait(false);
                return null;
            }

            logId ??= logs.Count == 1 ? logs[0] : audit.LogId;
            audit = audit with { LogId = logId };
        }

        return AuditStores.Create(audit, TimeProvider.System, NullLogger.Instance);
    }

    /// <summary>Every log of the store, each opened (<paramref name="logId"/> only when given); one store for SQLite.</summary>
    public static async Task<IReadOnlyList<(string? Log, IAuditStore Store)>?> OpenLogsAsync(string config, string purpose, TextWriter error, string? logId)
    {
        var audit = await LoadAsync(config, purpose, error).ConfigureAwait(false);
        if (audit is null)
        {
            return null;
        }

        if (audit.PostgresConnectionString is not { } connectionString)
        {
            return [(null, AuditStores.Create(audit, TimeProvider.System, NullLogger.Instance))];
        }

        var logs = await PostgresAuditLogs.ListAsync(connectionString, CancellationToken.None).ConfigureAwait(false);
        if (logId is not null && !logs.Contains(logId))
        {
            await error.WriteLineAsync(NoSuchLog(logId, logs)).ConfigureAwait(false);
            return null;
        }

        return [.. (logId is null ? logs : [logId]).Select(log => ((string?)log, AuditStores.Create(audit with { LogId = log }, TimeProvider.System, NullLogger.Instance)))];
    }

    private static async Task<AuditSettings?> LoadAsync(string config, string purpose, TextWriter error)
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

        return settings.Audit;
    }

    /// <summary>What a command says when <c>--log</c> names <paramref name="log"/> and the store holds only <paramref name="logs"/>.</summary>
    public static string NoSuchLog(string log, IReadOnlyList<string> logs) => $"mcpgw: the audit store has no log '{log}' (its logs: {Names(logs)})";

    private static string Names(IReadOnlyList<string> logs) => logs.Count == 0 ? "none" : string.Join(", ", logs);
}
