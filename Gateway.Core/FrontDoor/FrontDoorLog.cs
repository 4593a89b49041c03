using Microsoft.Extensions.Logging;

namespace McpGateway.Core.FrontDoor;

/// <summary>Log messages of the HTTP front door (9xxx). Never a token, never a payload.</summary>
internal static partial class FrontDoorLog
{
    [LoggerMessage(9100, LogLevel.Information, "HTTP front door listening on {Endpoint} ({Scheme}), MCP at /mcp/{{connection}}")]
    public static partial void Listening(ILogger logger, string endpoint, string scheme);

    [LoggerMessage(9101, LogLevel.Information, "HTTP session {SessionId} opened on connection {Connection} for {Subject}{Mode}")]
    public static partial void SessionOpened(ILogger logger, string sessionId, string connection, string subject, string mode);

    [LoggerMessage(9102, LogLevel.Information, "HTTP session {SessionId} closed")]
    public static partial void SessionClosed(ILogger logger, string sessionId);

    [LoggerMessage(9103, LogLevel.Information, "HTTP front door refused {Method} {Path}: {Status} {Reason}")]
    public static partial void Refused(ILogger logger, string method, string path, int status, string reason);

    [LoggerMessage(9104, LogLevel.Warning, "HTTP front door refused a request from origin {Origin} (not in http.allowedOrigins)")]
    public static partial void ForeignOrigin(ILogger logger, string origin);

    [LoggerMessage(9105, LogLevel.Debug, "HTTP session {SessionId}: a {Method} message for no open stream was dropped")]
    public static partial void Undeliverable(ILogger logger, string sessionId, string method);

    [LoggerMessage(9106, LogLevel.Warning, "HTTP session {SessionId}: {Count} server messages wait for a GET stream; the oldest was dropped")]
    public static partial void BacklogFull(ILogger logger, string sessionId, int count);

    [LoggerMessage(9107, LogLevel.Debug, "HTTP session {SessionId}: a response to id {Id} found no waiting request; dropped")]
    public static partial void UnmatchedResponse(ILogger logger, string sessionId, string id);

    [LoggerMessage(9108, LogLevel.Warning, "HTTP front door refused a request for host {Host} (not the public URL's host, a bound loopback name or in http.allowedHosts)")]
    public static partial void ForeignHost(ILogger logger, string host);

    [LoggerMessage(9109, LogLevel.Warning, "HTTP session {SessionId}: a request with a valid token of another subject was refused; the session goes on untouched")]
    public static partial void ForeignSubject(ILogger logger, string sessionId);

    [LoggerMessage(9110, LogLevel.Warning, "HTTP session {SessionId}: a cancellation names no single request of its client; dropped")]
    public static partial void CancellationDropped(ILogger logger, string sessionId);

    [LoggerMessage(9111, LogLevel.Information, "HTTP session {SessionId} of stateless requests closed: nothing in flight for {IdleTimeout}")]
    public static partial void StatelessIdle(ILogger logger, string sessionId, TimeSpan idleTimeout);
}
