namespace McpGateway.Inspectors.Approval;

/// <summary>Where an approval request stands. Only <see cref="Pending"/> takes votes; every other state is final.</summary>
internal enum ApprovalState
{
    Pending,

    /// <summary>Enough approvers approved: the held call was forwarded unchanged.</summary>
    Approved,

    /// <summary>An approver denied: the call got -31004.</summary>
    Denied,

    /// <summary>No decision within the rule's timeout: the call got -31005.</summary>
    TimedOut,

    /// <summary>The client cancelled the call or disconnected: a later vote does nothing.</summary>
    Withdrawn,
}
