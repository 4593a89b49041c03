using Microsoft.Extensions.Logging;

namespace McpGateway.Core.Sessions;

/// <summary>Log messages of graceful shutdown: 1100-1109, in the listener and sessions area.</summary>
internal static partial class DrainLog
{
    [LoggerMessage(1300, LogLevel.Information, "Shutting down: draining {Sessions} sessions, in-flight calls may finish within {Timeout}")]
    public static partial void Draining(ILogger logger, int sessions, TimeSpan timeout);

    [LoggerMessage(1301, LogLevel.Warning, "Shutdown deadline passed: closing {Sessions} sessions, their pending calls get gateway_shutting_down")]
    public static partial void DeadlinePassed(ILogger logger, int sessions);

    [LoggerMessage(1302, LogLevel.Information, "Drained in {Elapsed}; {Sessions} sessions left")]
    public static partial void Drained(ILogger logger, TimeSpan elapsed, int sessions);
}
