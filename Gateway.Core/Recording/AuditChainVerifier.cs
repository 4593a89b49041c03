namespace McpGateway.Core.Recording;

/// <summary>
/// Recomputes the hash chain of a store and names every range that breaks it. Each record must hash to its stored
/// hash under its own sequence number and link to the hash of the record before it. A record that hashes right only
/// under a nearby sequence number was moved (reordered); a record that hashes under none is modified, or inserted when
/// the records after it were renumbered to make room; records that hash right but are skipped by the link of the
/// record after them (which hashes under an earlier number) were inserted. Consecutive records with the same finding
/// form one range. The checkpoints are checked by <see cref="CheckpointLedger"/>; the Merkle tree over the records is
/// rebuilt on the way, and each signed tree head's root must be the root of the records it names
/// (<see cref="AuditFindingKind.TreeHeadMismatch"/>, reported where the chain itself does not already explain it).
/// </summary>
internal static class AuditChainVerifier
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
    public static Task<AuditVerification> VerifyAsync(IAsyncEnumerable<StoredAuditRecord> records, IReadOnlyList<AuditCheckpoint> checkpoints, IReadOnlyList<AuditAnchor> anchors, System.Security.Cryptography.ECDsa? publicKey, CancellationToken cancellationToken) =>
        VerifyAsync(records, checkpoints, anchors, publicKey, null, cancellationToken);

    /// <param name="policy">
    /// Null: checkpoints only vouch for the hashes they name. Set (what <c>mcpgw audit verify</c> does): linked
    /// checkpoints must vouch for every record in time, the chain of checkpoints must be whole, and the store must end on
    /// a recent or final checkpoint; checkpoints kept in anchors outside the store are merged in.
    /// </param>
    public static Task<AuditVerification> VerifyAsync(IAsyncEnumerable<StoredAuditRecord> records, IReadOnlyList<AuditCheckpoint> checkpoints, IReadOnlyList<AuditAnchor> anchors, System.Security.Cryptography.ECDsa? publicKey, CheckpointPolicy? policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        return VerifyAsync(Batches(records, cancellationToken), checkpoints, anchors, publicKey, policy, cancellationToken);
    }

    /// <summary>Records in batches for the verifier, from any store's reader.</summary>
    private static async IAsyncEnumerable<AuditChainBatch> Batches(IAsyncEnumerable<StoredAuditRecord> records, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var batch = new AuditChainBatch();
        await foreach (var stored in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            batch.Add(stored);
            if (batch.IsFull)
            {
                yield return batch;
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    /// <summary>
    /// As the other overloads, over records already in batches (a store's fast reader fills them straight from its
    /// rows); each batch is used up before the next is asked for.
    /// </summary>
    internal static async Task<AuditVerification> VerifyAsync(IAsyncEnumerable<AuditChainBatch> batches, IReadOnlyList<AuditCheckpoint> checkpoints, IReadOnlyList<AuditAnchor> anchors, System.Security.Cryptography.ECDsa? publicKey, CheckpointPolicy? policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(anchors);
        var rows = new List<AuditFinding>();
        AuditAnchor? anchor = null;
        if (publicKey is not null)
        {
            foreach (var candidate in anchors)
            {
                if (!CheckpointSigner.Verify(publicKey, candidate))
                {
                    rows.Add(new AuditFinding(AuditFindingKind.CheckpointMismatch, candidate.Sequence, candidate.Sequence));
                }
                else if (anchor is null || candidate.Sequence > anchor.Sequence)
                {
                    anchor = candidate;
                }
            }
        }

        var ledger = new CheckpointLedger(checkpoints, publicKey, policy, anchor?.Sequence ?? 0, rows);

        // After a purge the chain starts at the anchor's record, linked to the hash the anchor names.
        var purgedBefore = anchor?.Sequence ?? 1;
        var previousHash = anchor?.PrevHash ?? AuditHashChain.Genesis;
        var previousSequence = purgedBefore - 1;
        var recent = new Queue<(long Sequence, byte[] Hash, bool Flagged)>(ReorderWindow + 1);
        var resolver = new AuditLeafResolver();
        var leaf = new byte[MerkleTree.HashSize];

        // The tree is rebuilt from leaf 0; after a purge from the edge the anchor keeps (without one, tree heads cannot be checked).
        var tree = anchor is null ? new MerkleFrontier() : Edge(anchor);
        var treeUnchecked = tree is null;
        var lastTreeHead = ledger.LastTreeHead;
        var chainBroken = false;
        CheckTreeHeads(ledger, tree, 0, chainBroken, rows);
        long count = 0;
        var previousFlagged = false;
        await foreach (var batch in batches.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            batch.HashAll();
            for (var row = 0; row < batch.Count; row++)
            {
                var sequence = batch.Sequence(row);
                if (sequence < purgedBefore)
                {
                    // Left by a purge that was interrupted; the anchor already covers it.
                    continue;
                }

                count++;
                var findingsBefore = rows.Count;
                if (policy?.Progress is { } progress && count % CheckpointPolicy.ProgressEvery == 0)
                {
                    progress(count);
                }

                var gap = sequence > previousSequence + 1;
                if (gap)
                {
                    rows.Add(new AuditFinding(AuditFindingKind.Deleted, previousSequence + 1, sequence - 1));
                }

                var links = batch.PrevHash(row).SequenceEqual(previousHash);
                var flagged = true;
                var holds = batch.Holds(row);
                if (holds)
                {
                    batch.Leaf(row).CopyTo(leaf);
                }
                else
                {
                    // Not the current format: a record written before the tree, or one that does not hash right at all.
                    holds = resolver.Resolve(batch.Record(row), leaf);
                }

                if (!holds)
                {
                    var stored = batch.Record(row);
                    var offset = MovedBy(resolver, stored);
                    if (offset == 0)
                    {
                        rows.Add(new AuditFinding(links ? AuditFindingKind.Modified : AuditFindingKind.Inserted, sequence, sequence));
                    }
                    else
                    {
                        if (offset > 0 && rows.Count > 0 && rows[^1] is { Kind: AuditFindingKind.Modified } forged && forged.ToSequence == sequence - 1)
                        {
                            // Records renumbered upwards right after one that hashes under no number: it was inserted there.
                            rows[^1] = forged with { Kind = AuditFindingKind.Inserted };
                        }
                        else if (offset > 0 && !links && SkippedOver(recent, stored.PrevHash) is { } skipped)
                        {
                            // It links to an earlier record and the ones in between hash right: they were inserted with
                            // hashes computed for their place, and the records after them renumbered.
                            rows.Add(new AuditFinding(AuditFindingKind.Inserted, skipped, sequence - 1));
                        }

                        rows.Add(new AuditFinding(AuditFindingKind.Reordered, sequence, sequence));
                    }
                }
                else if (!links && !gap && !previousFlagged)
                {
                    // Hashes right but does not follow its predecessor: written with a forged hash.
                    rows.Add(new AuditFinding(AuditFindingKind.Inserted, sequence, sequence));
                }
                else
                {
                    flagged = false;
                }

                // The recent records' hashes live in the queue; the one that falls out of the window lends its array.
                var hash = recent.Count > ReorderWindow ? recent.Dequeue().Hash : new byte[AuditHashChain.HashSize];
                batch.StoredHash(row).CopyTo(hash);
                if (ledger.Contradicts(sequence, hash))
                {
                    // The chain up to here was rewritten (consistently, or the check above would have said so).
                    rows.Add(new AuditFinding(AuditFindingKind.CheckpointMismatch, sequence, sequence));
                }

                chainBroken |= rows.Count > findingsBefore;
                if (sequence > lastTreeHead)
                {
                    // No valid tree head names this record or a later one: the rest of the tree would be built for
                    // nothing (without a public key, none at all).
                    tree = null;
                }
                else if (tree is not null && tree.Size == sequence - 1)
                {
                    tree.Append(leaf);
                    CheckTreeHeads(ledger, tree, sequence, chainBroken, rows);
                }
                else
                {
                    tree = null;
                }

                ledger.Observe(sequence, batch.TimeMicros(row));
                recent.Enqueue((sequence, hash, flagged));
                previousFlagged = flagged;
                previousHash = hash;
                previousSequence = sequence;
            }
        }

        if (ledger.LastVouched > previousSequence)
        {
            rows.Add(new AuditFinding(AuditFindingKind.Truncated, previousSequence + 1, ledger.LastVouched));
        }

        ledger.Finish(previousSequence);
        var findings = new List<AuditFinding>();
        foreach (var row in rows.OrderBy(r => r.FromSequence))
        {
            if (findings.Count > 0 && findings[^1] is { } last && last.Kind == row.Kind && last.ToSequence != long.MaxValue && last.ToSequence + 1 == row.FromSequence)
            {
                findings[^1] = last with { ToSequence = row.ToSequence };
            }
            else if (!findings.Contains(row))
            {
                findings.Add(row);
            }
        }

        return new AuditVerification(count, previousSequence, previousHash, findings)
        {
            CheckpointsVerified = publicKey is null ? null : checkpoints.Count + (policy?.Witnessed.Count ?? 0),
            LastCheckpoint = ledger.LastVouched,
            PurgedBefore = anchor?.Sequence ?? 0,
            Warnings = treeUnchecked && anchor is not null && ledger.LastTreeHead >= anchor.Sequence
                ? [.. ledger.Warnings, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"tree heads after the purge at record {anchor.Sequence} were not checked against the records (the purged part of the Merkle tree is gone); the chain and the checkpoints were")]
                : ledger.Warnings,
            LinkedCheckpoints = ledger.LinkedCount,
        };
    }

    /// <summary>
    /// The first of the records after the one whose hash is <paramref name="prevHash"/>, when that one is among the
    /// recent records and those after it hash right (they were not flagged); null otherwise.
    /// </summary>
    private static long? SkippedOver(Queue<(long Sequence, byte[] Hash, bool Flagged)> recent, byte[] prevHash)
    {
        long? linkedTo = null;
        var clean = true;
        foreach (var (sequence, hash, flagged) in recent)
        {
            if (linkedTo is null)
            {
                if (hash.AsSpan().SequenceEqual(prevHash))
                {
                    linkedTo = sequence;
                }
            }
            else
            {
                clean &= !flagged;
            }
        }

        return linkedTo is { } found && clean && found < recent.Last().Sequence ? found + 1 : null;
    }

    /// <summary>
    /// Every valid tree head for <paramref name="size"/> records must carry the root of the tree rebuilt so far
    /// (<paramref name="tree"/>, null once the records stopped following each other). Where the chain up to here is
    /// already broken its findings say more, and a root that differs is not reported again.
    /// </summary>
    private static void CheckTreeHeads(CheckpointLedger ledger, MerkleFrontier? tree, long size, bool chainBroken, List<AuditFinding> rows)
    {
        if (tree is null || chainBroken || ledger.TreeHeadsAt(size) is not { Count: > 0 } heads)
        {
            return;
        }

        var root = tree.Root();
        foreach (var head in heads)
        {
            if (!head.Root.AsSpan().SequenceEqual(root))
            {
                rows.Add(new AuditFinding(AuditFindingKind.TreeHeadMismatch, Math.Max(1, size), Math.Max(1, size))
                {
                    Detail = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"checkpoint #{head.Counter} signs a Merkle root the records up to {size} do not have"),
                });
            }
        }
    }

    private static MerkleFrontier? Edge(AuditAnchor anchor)
    {
        try
        {
            return anchor.TreeEdge is { } edge ? MerkleFrontier.Deserialize(anchor.Sequence - 1, edge) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Current sequence minus the one the record hashes under, or 0 when it hashes under none nearby.</summary>
    private static long MovedBy(AuditLeafResolver resolver, StoredAuditRecord stored)
    {
        for (var offset = 1; offset <= ReorderWindow; offset++)
        {
            if (resolver.HoldsAt(stored, stored.Sequence - offset))
            {
                return offset;
            }

            if (resolver.HoldsAt(stored, stored.Sequence + offset))
            {
                return -offset;
            }
        }

        return 0;
    }
}
