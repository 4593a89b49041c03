namespace McpGateway.Core.Recording;

/// <summary>What an audit record is about.</summary>
public enum AuditEventKind
{
    SessionStart,
    Frame,
    InvalidFrame,
    SessionEnd,

    /// <summary>A connection refused before its session began (authentication failed or timed out, connection not allowed).</summary>
    SessionRefused,
}
