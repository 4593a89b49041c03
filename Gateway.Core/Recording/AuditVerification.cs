namespace McpGateway.Core.Recording;

/// <summary>The outcome of <see cref="AuditChainVerifier"/>: how many records, the chain head, and every finding.</summary>
internal sealed record AuditVerification(long Records, long HeadSequence, byte[] HeadHash, IReadOnlyList<AuditFinding> Findings)
{
    public bool IsIntact => Findings.Count == 0;

    /// <summary>How many checkpoints were checked; null when no public key was given.</summary>
    public int? CheckpointsVerified { get; init; }

    /// <summary>The highest sequence a valid checkpoint vouches for.</summary>
    public long LastCheckpoint { get; init; }

    /// <summary>Records before this sequence were purged by retention, as a signed anchor says; 0 when none were.</summary>
    public long PurgedBefore { get; init; }

    /// <summary>What the verification could not rule out without failing (legacy checkpoints, records signed only at the next start).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>How many linked checkpoints the chain of checkpoints holds (store and anchors together).</summary>
    public long LinkedCheckpoints { get; init; }
}
