using Microsoft.Extensions.Logging;

namespace McpGateway.Core;

/// <summary>
/// Source-generated log messages of the core, by area: 1xxx listener and sessions, 2xxx framing and protocol,
/// 3xxx chain, 4xxx upstreams. No payload and no token is ever logged here.
/// </summary>
internal static partial class GatewayLog
{
    [LoggerMessage(1000, LogLevel.Information, "Gateway listening on {Endpoint} ({Connections} connections, auth {AuthMode})")]
    public static partial void Listening(ILogger logger, string endpoint, int connections, string authMode);

    [LoggerMessage(1001, LogLevel.Debug, "Session {SessionId} accepted from {Remote}")]
    public static partial void SessionAccepted(ILogger logger, string sessionId, string? remote);

    [LoggerMessage(1002, LogLevel.Information, "Session {SessionId} authenticated as {Subject} on connection {Connection}")]
    public static partial void SessionAuthenticated(ILogger logger, string sessionId, string subject, string connection);

    [LoggerMessage(1003, LogLevel.Information, "Session {SessionId} ended: {Reason}")]
    public static partial void SessionEnded(ILogger logger, string sessionId, string reason);

    [LoggerMessage(1004, LogLevel.Warning, "Session {SessionId} refused before authentication: {Reason}")]
    public static partial void SessionRefused(ILogger logger, string sessionId, string reason);

    [LoggerMessage(1005, LogLevel.Error, "Session {SessionId} failed")]
    public static partial void SessionFailed(ILogger logger, string sessionId, Exception exception);

    [LoggerMessage(1006, LogLevel.Warning, "DEVELOPMENT MODE: auth is 'none'; any token is accepted. Never use this outside a workstation.")]
    public static partial void AuthNoneWarning(ILogger logger);

    [LoggerMessage(1007, LogLevel.Warning, "Session {SessionId}: {Subject} may not open connection {Connection}")]
    public static partial void ConnectionNotAllowed(ILogger logger, string sessionId, string subject, string connection);

    [LoggerMessage(1008, LogLevel.Information, "Session {SessionId} closed: no frame in either direction for {IdleTimeout}")]
    public static partial void SessionIdle(ILogger logger, string sessionId, TimeSpan idleTimeout);

    [LoggerMessage(2000, LogLevel.Debug, "Session {SessionId} {Direction}: frame rejected ({Reason}, {Bytes} bytes)")]
    public static partial void FrameRejected(ILogger logger, string sessionId, string direction, string reason, long bytes);

    [LoggerMessage(2001, LogLevel.Warning, "Session {SessionId} upstream sent a response to id {Id} that no pending request has; dropped")]
    public static partial void UnmatchedUpstreamResponse(ILogger logger, string sessionId, string id);

    [LoggerMessage(2002, LogLevel.Warning, "Session {SessionId} client sent a response to id {Id} that no pending server request has; dropped")]
    public static partial void UnmatchedClientResponse(ILogger logger, string sessionId, string id);

    [LoggerMessage(2003, LogLevel.Information, "Session {SessionId} negotiated MCP protocol version {Version}")]
    public static partial void ProtocolNegotiated(ILogger logger, string sessionId, string version);

    [LoggerMessage(2004, LogLevel.Warning, "Session {SessionId} {Direction}: invalid frame dropped ({Reason}, {Bytes} bytes)")]
    public static partial void FrameDropped(ILogger logger, string sessionId, string direction, string reason, long bytes);

    [LoggerMessage(3000, LogLevel.Error, "Inspector {Inspector} failed; the frame was withheld")]
    public static partial void InspectorFailed(ILogger logger, string inspector, Exception exception);

    [LoggerMessage(3001, LogLevel.Information, "Inspector chain:\n{Chain}")]
    public static partial void ChainBuilt(ILogger logger, string chain);

    [LoggerMessage(4000, LogLevel.Information, "Session {SessionId} upstream {Connection} started: {Description}")]
    public static partial void UpstreamStarted(ILogger logger, string sessionId, string connection, string description);

    /// <summary>One line with the reason (<c>'node' cannot be started: No such file or directory</c>, <c>Connection refused</c>); no stack trace.</summary>
    [LoggerMessage(4001, LogLevel.Warning, "Session {SessionId} upstream {Connection} unavailable: {Reason}")]
    public static partial void UpstreamUnavailable(ILogger logger, string sessionId, string connection, string reason);

    [LoggerMessage(4002, LogLevel.Warning, "Session {SessionId} upstream {Connection} went away; {Pending} pending calls failed")]
    public static partial void UpstreamExited(ILogger logger, string sessionId, string connection, int pending);

    [LoggerMessage(4003, LogLevel.Information, "Upstream {Connection} stderr: {Line}")]
    public static partial void UpstreamStderr(ILogger logger, string connection, string line);

    [LoggerMessage(4006, LogLevel.Information, "Upstream {Connection} stderr: {Suppressed} more lines not logged (at most 20 lines every 10 s)")]
    public static partial void UpstreamStderrSuppressed(ILogger logger, string connection, int suppressed);

    [LoggerMessage(4004, LogLevel.Warning, "Session {SessionId} request to {Connection} timed out after {Timeout}")]
    public static partial void UpstreamRequestTimedOut(ILogger logger, string sessionId, string connection, TimeSpan timeout);

    [LoggerMessage(4005, LogLevel.Information, "Connecting to upstream {Connection} failed (attempt {Attempt}); retrying in {Delay}")]
    public static partial void UpstreamRetry(ILogger logger, string connection, int attempt, TimeSpan delay);
}
