using Microsoft.Extensions.Logging;

namespace McpGateway.Core.Sessions;

/// <summary>Log messages of frames the gateway makes itself: 1130-1139, in the listener and sessions area.</summary>
internal static partial class GatewayFramesLog
{
    [LoggerMessage(1130, LogLevel.Warning, "Session {SessionId}: a frame the gateway made was refused before the chain's tail: {Reason}")]
    public static partial void Malformed(ILogger logger, string sessionId, string reason);

    [LoggerMessage(1131, LogLevel.Warning, "Session {SessionId}: the chain's tail withheld a {Method} frame the gateway made ({Inspector}: {Reason}); it was not sent")]
    public static partial void Withheld(ILogger logger, string sessionId, string? method, string inspector, string reason);
}
