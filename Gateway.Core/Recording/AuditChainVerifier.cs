namespace McpGateway.Core.Recording;

/// <summary>
/// Recomputes the hash chain of a store and names every range that breaks it. Each record must hash to its stored
/// hash under its own sequence number and link to the hash of the record before it. A record that hashes right only
/// under a nearby sequence number was moved (reordered); a record that hashes under none is modified, or inserted when
/// the records after it were renumbered to make room. Consecutive records with the same finding form one range.
/// </summary>
public static class AuditChainVerifier
{
    /// <summary>How far from its place a moved record is looked for.</summary>
    public const int ReorderWindow = 64;

    public static Task<AuditVerification> VerifyAsync(IAsyncEnumerable<StoredAuditRecord> records, CancellationToken cancellationToken) =>
        VerifyAsync(records, [], null, cancellationToken);

    /// <param name="checkpoints">The store's checkpoints; each must verify with <paramref name="publicKey"/> and match the record it names.</param>
    /// <param name="publicKey">Null: checkpoints are not checked (and truncation cannot be detected).</param>
    public static Task<AuditVerification> VerifyAsync(IAsyncEnumerable<StoredAuditRecord> records, IReadOnlyList<AuditCheckpoint> checkpoints, System.Security.Cryptography.ECDsa? publicKey, CancellationToken cancellationToken) =>
        VerifyAsync(records, checkpoints, [], publicKey, cancellationToken);

    /// <param name="anchors">
    /// The store's retention anchors. The latest one whose signature verifies says where the chain now starts and from
    /// which hash: records before it were purged, not deleted. Without <paramref name="publicKey"/> anchors are not
    /// trusted, and a purged prefix is reported as deleted.
    /// </param>
    public static async Task<AuditVerification> VerifyAsync(IAsyncEnumerable<StoredAuditRecord> records, IReadOnlyList<AuditCheckpoint> checkpoints, IReadOnlyList<AuditAnchor> anchors, System.Security.Cryptography.ECDsa? publicKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(anchors);
        var rows = new List<(AuditFindingKind Kind, long From, long To)>();
        AuditAnchor? anchor = null;
        if (publicKey is not null)
        {
            foreach (var candidate in anchors)
            {
                if (!CheckpointSigner.Verify(publicKey, candidate))
                {
                    rows.Add((AuditFindingKind.CheckpointMismatch, candidate.Sequence, candidate.Sequence));
                }
                else if (anchor is null || candidate.Sequence > anchor.Sequence)
                {
                    anchor = candidate;
                }
            }
        }

        var vouched = new Dictionary<long, List<AuditCheckpoint>>();
        long lastVouched = 0;
        if (publicKey is not null)
        {
            foreach (var checkpoint in checkpoints)
            {
                if (!CheckpointSigner.Verify(publicKey, checkpoint))
                {
                    rows.Add((AuditFindingKind.CheckpointMismatch, checkpoint.Sequence, checkpoint.Sequence));
                    continue;
                }

                lastVouched = Math.Max(lastVouched, checkpoint.Sequence);
                if (!vouched.TryGetValue(checkpoint.Sequence, out var list))
                {
                    vouched[checkpoint.Sequence] = list = [];
                }

                list.Add(checkpoint);
            }
        }

        // After a purge the chain starts at the anchor's record, linked to the hash the anchor names.
        var purgedBefore = anchor?.Sequence ?? 1;
        var previousHash = anchor?.PrevHash ?? AuditHashChain.Genesis;
        var previousSequence = purgedBefore - 1;
        long count = 0;
        var previousFlagged = false;
        await foreach (var stored in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (stored.Sequence < purgedBefore)
            {
                // Left by a purge that was interrupted; the anchor already covers it.
                continue;
            }

            count++;
            var gap = stored.Sequence > previousSequence + 1;
            if (gap)
            {
                rows.Add((AuditFindingKind.Deleted, previousSequence + 1, stored.Sequence - 1));
            }

            var links = stored.PrevHash.AsSpan().SequenceEqual(previousHash);
            var flagged = true;
            if (!AuditHashChain.Compute(stored.PrevHash, stored.Sequence, stored.Record).AsSpan().SequenceEqual(stored.Hash))
            {
                var offset = MovedBy(stored);
                if (offset == 0)
                {
                    rows.Add((links ? AuditFindingKind.Modified : AuditFindingKind.Inserted, stored.Sequence, stored.Sequence));
                }
                else
                {
                    if (offset > 0 && rows.Count > 0 && rows[^1] is { Kind: AuditFindingKind.Modified } forged && forged.To == stored.Sequence - 1)
                    {
                        // Records renumbered upwards right after one that hashes under no number: it was inserted there.
                        rows[^1] = forged with { Kind = AuditFindingKind.Inserted };
                    }

                    rows.Add((AuditFindingKind.Reordered, stored.Sequence, stored.Sequence));
                }
            }
            else if (!links && !gap && !previousFlagged)
            {
                // Hashes right but does not follow its predecessor: written with a forged hash.
                rows.Add((AuditFindingKind.Inserted, stored.Sequence, stored.Sequence));
            }
            else
            {
                flagged = false;
            }

            if (vouched.TryGetValue(stored.Sequence, out var signed) && signed.Exists(c => !c.Hash.AsSpan().SequenceEqual(stored.Hash)))
            {
                // The chain up to here was rewritten (consistently, or the check above would have said so).
                rows.Add((AuditFindingKind.CheckpointMismatch, stored.Sequence, stored.Sequence));
            }

            previousFlagged = flagged;
            previousHash = stored.Hash;
            previousSequence = stored.Sequence;
        }

        if (lastVouched > previousSequence)
        {
            rows.Add((AuditFindingKind.Truncated, previousSequence + 1, lastVouched));
        }

        var findings = new List<AuditFinding>();
        foreach (var (kind, from, to) in rows)
        {
            if (findings.Count > 0 && findings[^1] is { } last && last.Kind == kind && last.ToSequence + 1 == from)
            {
                findings[^1] = last with { ToSequence = to };
            }
            else
            {
                findings.Add(new AuditFinding(kind, from, to));
            }
        }

        return new AuditVerification(count, previousSequence, previousHash, findings)
        {
            CheckpointsVerified = publicKey is null ? null : checkpoints.Count,
            LastCheckpoint = lastVouched,
            PurgedBefore = anchor?.Sequence ?? 0,
        };
    }

    /// <summary>Current sequence minus the one the record hashes under, or 0 when it hashes under none nearby.</summary>
    private static long MovedBy(StoredAuditRecord stored)
    {
        for (var offset = 1; offset <= ReorderWindow; offset++)
        {
            if (Matches(stored, stored.Sequence - offset))
            {
                return offset;
            }

            if (Matches(stored, stored.Sequence + offset))
            {
                return -offset;
            }
        }

        return 0;
    }

    private static bool Matches(StoredAuditRecord stored, long sequence) =>
        sequence > 0 && AuditHashChain.Compute(stored.PrevHash, sequence, stored.Record).AsSpan().SequenceEqual(stored.Hash);
}
