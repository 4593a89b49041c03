using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Approval;

/// <summary>Log messages of the approval area's limits (9040-9049 of the gate's range). Subjects and rules, never arguments.</summary>
internal static partial class ApprovalLimitLog
{
    [LoggerMessage(9040, LogLevel.Warning, "Session {SessionId}: {Subject} already has {Held} calls held for approval (approvals.maxHeldPerIdentity); {Tool} refused with too_many_held_calls")]
    public static partial void TooManyHeld(ILogger logger, string sessionId, string subject, int held, string tool);

    [LoggerMessage(9041, LogLevel.Warning, "Approval {ApprovalId}: more than {Max} notices for {Subject} under rule {Rule} within {Window} (approvals.maxNoticesPerWindow); this and further ones in the window are not sent ({Dropped} dropped since start)")]
    public static partial void NoticesDropped(ILogger logger, string approvalId, int max, string subject, string rule, TimeSpan window, long dropped);
}
