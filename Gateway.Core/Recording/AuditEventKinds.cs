namespace McpGateway.Core.Recording;

/// <summary>The stored spelling of <see cref="AuditEventKind"/>.</summary>
public static class AuditEventKinds
{
    public static string ToText(AuditEventKind kind) => kind switch
    {
        AuditEventKind.SessionStart => "session_start",
        AuditEventKind.Frame => "frame",
        AuditEventKind.InvalidFrame => "invalid_frame",
        AuditEventKind.SessionEnd => "session_end",
        AuditEventKind.SessionRefused => "session_refused",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static AuditEventKind Parse(string text) => text switch
    {
        "session_start" => AuditEventKind.SessionStart,
        "frame" => AuditEventKind.Frame,
        "invalid_frame" => AuditEventKind.InvalidFrame,
        "session_end" => AuditEventKind.SessionEnd,
        "session_refused" => AuditEventKind.SessionRefused,
        _ => throw new FormatException($"unknown audit event kind '{text}'"),
    };
}
