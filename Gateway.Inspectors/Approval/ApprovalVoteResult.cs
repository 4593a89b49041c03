namespace McpGateway.Inspectors.Approval;

/// <summary>What became of a vote. Anything but <see cref="Counted"/> and <see cref="Decided"/> changed nothing.</summary>
internal enum ApprovalVoteResult
{
    /// <summary>Recorded; more approvals are still needed.</summary>
    Counted,

    /// <summary>Recorded, and it decided the request (approved or denied).</summary>
    Decided,

    NotFound,

    /// <summary>The request is already decided, timed out or withdrawn: a late vote does nothing.</summary>
    NotPending,

    /// <summary>The approver is the requester: nobody approves their own call.</summary>
    SelfApproval,

    /// <summary>The approver is in none of the rule's approver groups.</summary>
    NotAnApprover,

    /// <summary>This approver already voted on this request; N-of-M needs N distinct approvers.</summary>
    AlreadyVoted,

    /// <summary>A grant was asked for, but the rule allows none, or not for that long.</summary>
    GrantNotAllowed,

    /// <summary>
    /// An approval of a call whose masked spans hide more of its arguments than the configured share, by an approver
    /// without the right to reveal them: nobody approves what they cannot see.
    /// </summary>
    RevealRequired,
}
