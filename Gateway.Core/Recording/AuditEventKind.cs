namespace McpGateway.Core.Recording;

/// <summary>What an audit record is about.</summary>
public enum AuditEventKind
{
    SessionStart,
    Frame,
    InvalidFrame,
    SessionEnd,
}
