using System.Net;
using Microsoft.Extensions.Logging;

namespace McpGateway.Core.Upstreams.Http;

/// <summary>Upstream area (4100-4119): the Streamable HTTP transport. Never a header value, never a payload.</summary>
internal static partial class HttpLog
{
    [LoggerMessage(4100, LogLevel.Warning, "Upstream {Connection} answered {Method} with HTTP {Status}; the call gets {Reason}")]
    public static partial void BadStatus(ILogger logger, string connection, string method, HttpStatusCode status, string reason);

    [LoggerMessage(4101, LogLevel.Warning, "Upstream {Connection}: {Method} failed; the call gets {Reason}")]
    public static partial void ExchangeFailed(ILogger logger, string connection, string method, string reason, Exception exception);

    [LoggerMessage(4102, LogLevel.Warning, "Upstream {Connection} ended its MCP session (HTTP 404); the client session ends")]
    public static partial void SessionExpired(ILogger logger, string connection);

    [LoggerMessage(4103, LogLevel.Information, "Upstream {Connection}: the event stream of {Method} ended before its response; resuming after event {EventId}")]
    public static partial void Resuming(ILogger logger, string connection, string method, string eventId);

    [LoggerMessage(4104, LogLevel.Debug, "Upstream {Connection} offers no GET stream (HTTP {Status})")]
    public static partial void NoGetStream(ILogger logger, string connection, HttpStatusCode status);

    [LoggerMessage(4105, LogLevel.Warning, "Upstream {Connection}: the GET stream is closed and could not be reopened")]
    public static partial void GetStreamLost(ILogger logger, string connection, Exception? exception);

    [LoggerMessage(4106, LogLevel.Warning, "Upstream {Connection}: a message of {Method} was dropped: {Reason}")]
    public static partial void MessageDropped(ILogger logger, string connection, string method, string reason);

    [LoggerMessage(4107, LogLevel.Debug, "Upstream {Connection}: ending the MCP session (DELETE) answered {Status}")]
    public static partial void SessionDeleted(ILogger logger, string connection, HttpStatusCode status);

    [LoggerMessage(4108, LogLevel.Debug, "Upstream {Connection}: ending the MCP session (DELETE) failed")]
    public static partial void SessionDeleteFailed(ILogger logger, string connection, Exception exception);

    [LoggerMessage(4109, LogLevel.Information, "Upstream {Connection}: the request did not leave (attempt {Attempt}); retrying in {Delay}")]
    public static partial void SendRetry(ILogger logger, string connection, int attempt, TimeSpan delay);

    [LoggerMessage(4110, LogLevel.Information, "Upstream {Connection}: reopening the GET stream (attempt {Attempt}) in {Delay}")]
    public static partial void GetStreamRetry(ILogger logger, string connection, int attempt, TimeSpan delay);

    [LoggerMessage(4111, LogLevel.Warning, "Upstream {Connection}: {Method} was not sent: {Reason}")]
    public static partial void MessageRefused(ILogger logger, string connection, string method, string reason);

    [LoggerMessage(4112, LogLevel.Warning, "Upstream {Connection}: an event id that is not visible ASCII was ignored; that stream cannot be resumed from it")]
    public static partial void EventIdIgnored(ILogger logger, string connection);

    [LoggerMessage(4113, LogLevel.Warning, "Upstream {Connection}: a {What} for {Method} grew past the frame size limit ({Limit} bytes); the upstream is closed and its calls get upstream_frame_too_large")]
    public static partial void FrameTooLarge(ILogger logger, string connection, string method, string what, int limit);
}
