using Microsoft.Extensions.Logging;

namespace McpGateway.Core.Listener;

/// <summary>Log messages of the listeners' admission (12xx). A refusal is logged when a limit starts refusing, not per connection.</summary>
internal static partial class ListenerLog
{
    [LoggerMessage(1200, LogLevel.Warning, "The {Listener} listener refuses new connections: {Reason} (from {Address}); further refusals are counted in mcpgw.sessions.refused until one is admitted again")]
    public static partial void Refusing(ILogger logger, string listener, string reason, string address);

    [LoggerMessage(1201, LogLevel.Information, "File descriptors: process limit {Limit}, {Reserve} kept in reserve; client connections and sessions may take {Budget}")]
    public static partial void DescriptorBudget(ILogger logger, int limit, int reserve, int budget);

    [LoggerMessage(1202, LogLevel.Warning, "File descriptors: the process limit is unknown on this system; connections are bounded by the limits section only")]
    public static partial void DescriptorLimitUnknown(ILogger logger);
}
