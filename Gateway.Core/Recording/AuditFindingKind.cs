namespace McpGateway.Core.Recording;

/// <summary>What <see cref="AuditChainVerifier"/> found wrong with a range of records.</summary>
public enum AuditFindingKind
{
    /// <summary>A record's content no longer matches its hash.</summary>
    Modified,

    /// <summary>Sequence numbers are missing.</summary>
    Deleted,

    /// <summary>Records hash correctly only under another sequence number: they were moved.</summary>
    Reordered,

    /// <summary>A record that neither hashes correctly nor links to its predecessor: it was not written by the gateway.</summary>
    Inserted,

    /// <summary>Records a signed checkpoint vouches for are gone from the end of the chain.</summary>
    Truncated,

    /// <summary>A checkpoint whose signature does not verify, or that vouches for a hash the record no longer has.</summary>
    CheckpointMismatch,
}
