namespace McpGateway.Core.Recording;

/// <summary>What an audit record is about.</summary>
internal enum AuditEventKind
{
    SessionStart,
    Frame,
    InvalidFrame,
    SessionEnd,

    /// <summary>A call was held for approval (payload: the approval id, rule terms and masked arguments).</summary>
    ApprovalRequested,

    /// <summary>An approver voted (subject: the approver; reason: what became of the vote).</summary>
    ApprovalVote,

    /// <summary>A held call's approval ended: approved, denied, timed out or withdrawn (payload: every vote).</summary>
    ApprovalDecided,

    /// <summary>A call went through under a time-bound grant instead of being held.</summary>
    ApprovalGrantUsed,

    /// <summary>A connection refused before its session began (authentication failed or timed out, connection not allowed).</summary>
    SessionRefused,

    /// <summary>
    /// Someone read the audit store (query, replay, admin API): subject and connection say who and through what, the
    /// reason and payload which range (filter, session, first and last sequence, how many records).
    /// </summary>
    AuditRead,

    /// <summary>An approver looked at a held call's raw arguments (subject: who; payload: which request and arguments hash, never the arguments).</summary>
    ApprovalRevealed,

    /// <summary>
    /// An out-of-process inspector's verdict that the frame's own record cannot show (inspector: its name): a replacement,
    /// or a frame let through unchecked because the inspector failed and its configuration fails open (reason: why).
    /// </summary>
    InspectorVerdict,
}
