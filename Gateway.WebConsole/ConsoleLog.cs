using Microsoft.Extensions.Logging;

namespace McpGateway.WebConsole;

/// <summary>Log messages of the web console (9700-9749).</summary>
internal static partial class ConsoleLog
{
    [LoggerMessage(9700, LogLevel.Information, "Console: {Subject} signed in (groups {Groups})")]
    public static partial void SignedIn(ILogger logger, string subject, string groups);

    [LoggerMessage(9701, LogLevel.Information, "Console: {Subject} voted {Decision} on approval {ApprovalId}: {Result}")]
    public static partial void Voted(ILogger logger, string subject, string decision, string approvalId, string result);

    [LoggerMessage(9702, LogLevel.Warning, "Console: a form without a valid antiforgery token was refused ({Path})")]
    public static partial void ForgedForm(ILogger logger, string path);

    [LoggerMessage(9703, LogLevel.Information, "Console: {Subject} started an audit verification up to record {Head}")]
    public static partial void VerifyStarted(ILogger logger, string subject, long head);

    [LoggerMessage(9704, LogLevel.Error, "Console: the audit verification failed")]
    public static partial void VerifyFailed(ILogger logger, Exception exception);

    [LoggerMessage(9706, LogLevel.Error, "Console: a sign-in could not start at the identity provider")]
    public static partial void IssuerFailed(ILogger logger, Exception exception);

    [LoggerMessage(9705, LogLevel.Warning, "Console: a live view could not be rendered")]
    public static partial void LiveFailed(ILogger logger, Exception exception);
}
