namespace McpGateway.Core.Recording;

/// <summary>The stored spelling of <see cref="AuditEventKind"/>.</summary>
internal static class AuditEventKinds
{
    public static string ToText(AuditEventKind kind) => kind switch
    {
        AuditEventKind.SessionStart => "session_start",
        AuditEventKind.Frame => "frame",
        AuditEventKind.InvalidFrame => "invalid_frame",
        AuditEventKind.SessionEnd => "session_end",
        AuditEventKind.ApprovalRequested => "approval_requested",
        AuditEventKind.ApprovalVote => "approval_vote",
        AuditEventKind.ApprovalDecided => "approval_decided",
        AuditEventKind.ApprovalGrantUsed => "approval_grant_used",
        AuditEventKind.SessionRefused => "session_refused",
        AuditEventKind.AuditRead => "audit_read",
        AuditEventKind.ApprovalRevealed => "approval_revealed",
        AuditEventKind.InspectorVerdict => "inspector_verdict",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static AuditEventKind Parse(string text) => text switch
    {
        "session_start" => AuditEventKind.SessionStart,
        "frame" => AuditEventKind.Frame,
        "invalid_frame" => AuditEventKind.InvalidFrame,
        "session_end" => AuditEventKind.SessionEnd,
        "approval_requested" => AuditEventKind.ApprovalRequested,
        "approval_vote" => AuditEventKind.ApprovalVote,
        "approval_decided" => AuditEventKind.ApprovalDecided,
        "approval_grant_used" => AuditEventKind.ApprovalGrantUsed,
        "session_refused" => AuditEventKind.SessionRefused,
        "audit_read" => AuditEventKind.AuditRead,
        "approval_revealed" => AuditEventKind.ApprovalRevealed,
        "inspector_verdict" => AuditEventKind.InspectorVerdict,
        _ => throw new FormatException($"unknown audit event kind '{text}'"),
    };
}
