using Microsoft.Extensions.Logging;

namespace McpGateway.Core.Upstreams;

/// <summary>Warm upstream sockets (<see cref="WarmSocketPool"/>): 4200-4219.</summary>
internal static partial class WarmUpstreamLog
{
    [LoggerMessage(4200, LogLevel.Information, "Upstream {Connection}: keeping {Count} sockets connected ahead of sessions")]
    public static partial void Warming(ILogger logger, string connection, int count);

    [LoggerMessage(4201, LogLevel.Warning, "Upstream {Connection}: a warm socket could not connect ({Reason}); sessions connect as usual meanwhile")]
    public static partial void ConnectFailed(ILogger logger, string connection, string reason);

    [LoggerMessage(4202, LogLevel.Debug, "Upstream {Connection}: a warm socket was closed or written to by the upstream while unused; discarded")]
    public static partial void Discarded(ILogger logger, string connection);
}
