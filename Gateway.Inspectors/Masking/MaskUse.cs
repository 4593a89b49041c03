namespace McpGateway.Inspectors.Masking;

/// <summary>Who gets the masked message, which decides what is masked and how a masked span reads.</summary>
internal enum MaskUse
{
    /// <summary>The peer: every value below the envelope; the id and method stay as they are (the session checks them).</summary>
    InFlight,

    /// <summary>The audit store: as in flight, and the id and method too when a detector matches them.</summary>
    Record,

    /// <summary>
    /// Approvers: as for the record, and each label also says how many characters it hides
    /// (<c>[MASKED:kind:n len=N]</c>); a partial kind is labelled as well, so that no hidden span goes unannounced.
    /// </summary>
    Approval,
}
