using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// Log messages of the approval area (9000-9049 here; 9050-9099 are left to the approvers' surfaces: notifiers, admin
/// routes). Tools, rules and subjects are logged, never arguments.
/// </summary>
internal static partial class ApprovalLog
{
    [LoggerMessage(9000, LogLevel.Information, "Session {SessionId}: {Tool} held for approval {ApprovalId} (rule {Rule}, {Required} approval(s) from {Groups}, until {ExpiresAt:o})")]
    public static partial void Held(ILogger logger, string sessionId, string tool, string approvalId, string rule, int required, string groups, DateTimeOffset expiresAt);

    [LoggerMessage(9001, LogLevel.Information, "Approval {ApprovalId}: {Approver} voted {Vote}: {Result}")]
    public static partial void Voted(ILogger logger, string approvalId, string approver, string vote, string result);

    [LoggerMessage(9002, LogLevel.Information, "Approval {ApprovalId} of session {SessionId}: {State}")]
    public static partial void Decided(ILogger logger, string approvalId, string sessionId, string state);

    [LoggerMessage(9003, LogLevel.Information, "Session {SessionId}: {Tool} forwarded under grant {GrantId} (by {GrantedBy}, until {ExpiresAt:o})")]
    public static partial void GrantUsed(ILogger logger, string sessionId, string tool, string grantId, string grantedBy, DateTimeOffset expiresAt);

    [LoggerMessage(9004, LogLevel.Error, "Session {SessionId}: {Tool} could not be held for approval; refused")]
    public static partial void HoldFailed(ILogger logger, string sessionId, string tool, Exception exception);

    [LoggerMessage(9005, LogLevel.Error, "Approval {ApprovalId}: the approval store failed")]
    public static partial void StoreFailed(ILogger logger, string approvalId, Exception exception);

    [LoggerMessage(9006, LogLevel.Warning, "Approval {ApprovalId}: notifier {Notifier} failed; the call still waits for a decision")]
    public static partial void NotifierFailed(ILogger logger, string approvalId, string notifier, Exception exception);

    [LoggerMessage(9007, LogLevel.Error, "Approval {ApprovalId}: the audit store could not record {Event}")]
    public static partial void NotRecorded(ILogger logger, string approvalId, string @event, Exception exception);

    [LoggerMessage(9008, LogLevel.Information, "Listening for approval decisions on {Store}")]
    public static partial void Listening(ILogger logger, string store);

    [LoggerMessage(9009, LogLevel.Warning, "Listening for approval decisions on {Store} failed; retrying (held calls are rechecked periodically meanwhile)")]
    public static partial void ListenFailed(ILogger logger, string store, Exception exception);

    [LoggerMessage(9050, LogLevel.Warning, "Approval webhook at {Host}: attempt {Attempt} failed ({Reason}); retrying in {Delay}")]
    public static partial void WebhookRetry(ILogger logger, string host, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(9051, LogLevel.Debug, "Approval {ApprovalId}: webhook at {Host} took the notice ({Status})")]
    public static partial void WebhookDelivered(ILogger logger, string approvalId, string host, int status);
}
