using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Policy;

/// <summary>Log messages of the policy area (6xxx). Names of tools and methods are logged, never arguments.</summary>
internal static partial class PolicyLog
{
    [LoggerMessage(6000, LogLevel.Information, "Policy revision {Revision} loaded: {Rules} rules, default {Default}")]
    public static partial void Loaded(ILogger logger, long revision, int rules, string @default);

    [LoggerMessage(6001, LogLevel.Error, "Policy reload from {Path} failed; revision {Revision} stays in force: {Error}")]
    public static partial void ReloadFailed(ILogger logger, string path, long revision, string error);

    [LoggerMessage(6002, LogLevel.Information, "Session {SessionId}: {Method} {Tool} refused by policy ({Reason}, rule {Rule})")]
    public static partial void Refused(ILogger logger, string sessionId, string method, string? tool, string reason, string? rule);

    [LoggerMessage(6003, LogLevel.Information, "Session {SessionId}: upstream request {Method} refused by policy ({Reason}, rule {Rule})")]
    public static partial void ServerRequestRefused(ILogger logger, string sessionId, string method, string reason, string? rule);

    [LoggerMessage(6004, LogLevel.Debug, "Session {SessionId}: {List} filtered, {Hidden} of {Total} entries hidden")]
    public static partial void ListFiltered(ILogger logger, string sessionId, string list, int hidden, int total);

    [LoggerMessage(6005, LogLevel.Information, "Tool {Tool} of connection {Connection} pinned ({Fingerprint})")]
    public static partial void ToolPinned(ILogger logger, string connection, string tool, string fingerprint);

    [LoggerMessage(6006, LogLevel.Warning, "Tool {Tool} of connection {Connection} changed its definition ({Pinned} -> {Seen}); it is hidden and refused until approved: mcpgw tools approve --connection {Connection} --tool {Tool}")]
    public static partial void ToolDefinitionChanged(ILogger logger, string connection, string tool, string pinned, string seen);

    [LoggerMessage(6007, LogLevel.Error, "Tool pin file {Path} cannot be read: {Error}")]
    public static partial void PinsUnreadable(ILogger logger, string path, string error);

    [LoggerMessage(6008, LogLevel.Error, "Tool pin file {Path} cannot be written; pins are kept in memory only: {Error}")]
    public static partial void PinsUnwritable(ILogger logger, string path, string error);

    [LoggerMessage(6009, LogLevel.Information, "Tool {Tool} of connection {Connection}: pin of an earlier version upgraded to the whole-definition fingerprint ({Old} -> {New})")]
    public static partial void ToolPinUpgraded(ILogger logger, string connection, string tool, string old, string @new);
}
