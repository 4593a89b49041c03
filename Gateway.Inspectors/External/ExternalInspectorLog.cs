using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.External;

/// <summary>Out-of-process inspectors: event ids 10000-10099. Frames are never logged, only their method.</summary>
internal static partial class ExternalInspectorLog
{
    [LoggerMessage(10000, LogLevel.Information, "Inspector {Inspector} connected ({Target}); it asks for {Interest}")]
    public static partial void Connected(ILogger logger, string inspector, string target, string interest);

    [LoggerMessage(10001, LogLevel.Warning, "Inspector {Inspector} could not be started or reached ({Target}): {Reason}")]
    public static partial void StartFailed(ILogger logger, string inspector, string target, string reason);

    [LoggerMessage(10002, LogLevel.Warning, "Inspector {Inspector} is gone: {Reason}; frames it asked for get no verdict until it is back")]
    public static partial void Lost(ILogger logger, string inspector, string reason);

    [LoggerMessage(10003, LogLevel.Information, "Inspector {Inspector}: start {Attempt} in {Delay} ({Reason})")]
    public static partial void Restarting(ILogger logger, string inspector, int attempt, TimeSpan delay, string? reason);

    [LoggerMessage(10004, LogLevel.Information, "Inspector {Inspector} (stderr): {Line}")]
    public static partial void Stderr(ILogger logger, string inspector, string line);

    [LoggerMessage(10005, LogLevel.Warning, "Session {SessionId}: inspector {Inspector} gave no verdict on a {Method} frame ({Failure}: {Detail}); it was withheld")]
    public static partial void FailedClosed(ILogger logger, string sessionId, string inspector, string? method, InspectorFailure failure, string? detail);

    [LoggerMessage(10006, LogLevel.Warning, "Session {SessionId}: inspector {Inspector} gave no verdict on a {Method} frame ({Failure}: {Detail}); it passed unchecked, as configured (recorded)")]
    public static partial void FailedOpen(ILogger logger, string sessionId, string inspector, string? method, InspectorFailure failure, string? detail);

    [LoggerMessage(10007, LogLevel.Information, "Session {SessionId}: inspector {Inspector} refused a {Method} frame ({Reason})")]
    public static partial void Refused(ILogger logger, string sessionId, string inspector, string? method, string reason);

    [LoggerMessage(10008, LogLevel.Warning, "Session {SessionId}: inspector {Inspector} asked to hold a {Method} frame, which it may not ({Why}); refused")]
    public static partial void HoldRefused(ILogger logger, string sessionId, string inspector, string? method, string why);

    [LoggerMessage(10009, LogLevel.Warning, "Inspector {Inspector} gave no verdict within the budget {Count} times in a row; it is started again")]
    public static partial void NotKeepingUp(ILogger logger, string inspector, int count);
}
