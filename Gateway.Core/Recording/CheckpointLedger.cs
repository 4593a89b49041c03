using System.Globalization;
using System.Security.Cryptography;

namespace McpGateway.Core.Recording;

/// <summary>
/// The checkpoints of one verification, from the store and from anchors outside it, checked as one chain: each valid
/// signature vouches for its record's hash; linked checkpoints must follow each other by counter and digest; under a
/// <see cref="CheckpointPolicy"/> every record must be vouched for in time and the chain must end on a recent or final
/// checkpoint. Findings go to the list it is given; what it cannot rule out becomes a warning.
/// </summary>
internal sealed class CheckpointLedger
{
    private readonly List<AuditFinding> _findings;
    private readonly CheckpointPolicy? _policy;
    private readonly Dictionary<long, List<AuditCheckpoint>> _vouched = [];
    private readonly List<AuditCheckpoint> _linked = [];
    private readonly List<string> _warnings = [];
    private readonly long _lastLegacy;
    private readonly int _legacyCount;
    private int _next;
    private long _legacyFrom;
    private long _legacyTo;
    private long _lateFrom;
    private long _lateTo;
    private AuditCheckpoint? _lateBy;
    private long _tailFrom;
    private long _tailTo;
    private long _tailNewestMicros;

    public CheckpointLedger(IReadOnlyList<AuditCheckpoint> stored, ECDsa? publicKey, CheckpointPolicy? policy, long purgedBefore, List<AuditFinding> findings)
    {
        _findings = findings;
        if (publicKey is null)
        {
            // Nothing is trusted without the key: no rule about checkpoints can be applied.
            return;
        }

        _policy = policy;

        var witnessed = policy?.Witnessed ?? [];
        var linked = new SortedDictionary<long, (AuditCheckpoint Checkpoint, byte[] Digest, bool InStore)>();
        foreach (var (checkpoint, inStore) in stored.Select(c => (c, true)).Concat(witnessed.Select(c => (c, false))))
        {
            if (!CheckpointSigner.Verify(publicKey, checkpoint))
            {
                findings.Add(new AuditFinding(AuditFindingKind.CheckpointMismatch, checkpoint.Sequence, checkpoint.Sequence) { Detail = inStore ? "its signature does not verify" : "a checkpoint in an anchor whose signature does not verify" });
                continue;
            }

            LastVouched = Math.Max(LastVouched, checkpoint.Sequence);
            if (!_vouched.TryGetValue(checkpoint.Sequence, out var list))
            {
                _vouched[checkpoint.Sequence] = list = [];
            }

            list.Add(checkpoint);
            if (checkpoint.Counter is not { } counter)
            {
                _legacyCount++;
                _lastLegacy = Math.Max(_lastLegacy, checkpoint.Sequence);
                continue;
            }

            var digest = CheckpointSigner.Digest(checkpoint);
            if (!linked.TryGetValue(counter, out var known))
            {
                linked[counter] = (checkpoint, digest, inStore);
            }
            else if (!known.Digest.AsSpan().SequenceEqual(digest))
            {
                findings.Add(new AuditFinding(AuditFindingKind.CheckpointMismatch, checkpoint.Sequence, checkpoint.Sequence) { Detail = Invariant($"two different checkpoints #{counter}: the chain of checkpoints forked") });
            }
            else if (inStore && !known.InStore)
            {
                linked[counter] = known with { InStore = true };
            }
        }

        (AuditCheckpoint Checkpoint, byte[] Digest, bool InStore)? previous = null;
        foreach (var (counter, entry) in linked)
        {
            var checkpoint = entry.Checkpoint;
            if (previous is null && counter != 1 && purgedBefore == 0 && _lastLegacy == 0)
            {
                findings.Add(new AuditFinding(AuditFindingKind.CheckpointsMissing, 1, Math.Max(1, checkpoint.Sequence)) { Detail = counter == 2 ? "the first checkpoint is #2; #1 is gone" : Invariant($"the first checkpoint is #{counter}; #1-#{counter - 1} are gone") });
            }
            else if (previous is { } before && counter != before.Checkpoint.Counter + 1)
            {
                findings.Add(Between(before.Checkpoint, checkpoint, counter - before.Checkpoint.Counter == 2
                    ? Invariant($"checkpoint #{counter - 1} is gone")
                    : Invariant($"checkpoints #{before.Checkpoint.Counter + 1}-#{counter - 1} are gone")));
            }
            else if (previous is { } linkedBefore && (!checkpoint.PreviousDigest.AsSpan().SequenceEqual(linkedBefore.Digest) || checkpoint.Sequence < linkedBefore.Checkpoint.Sequence))
            {
                findings.Add(new AuditFinding(AuditFindingKind.CheckpointMismatch, checkpoint.Sequence, checkpoint.Sequence) { Detail = Invariant($"checkpoint #{counter} does not link to #{counter - 1}") });
            }

            if (!entry.InStore && checkpoint.Sequence >= purgedBefore)
            {
                // (A purge deletes the checkpoints before its anchor from the store; an anchor outside keeps them.)
                findings.Add(new AuditFinding(AuditFindingKind.CheckpointsMissing, checkpoint.Sequence, checkpoint.Sequence) { Detail = Invariant($"checkpoint #{counter} is in an anchor but not in the store") });
            }

            _linked.Add(checkpoint);
            previous = entry;
        }
    }

    /// <summary>The highest sequence a valid checkpoint vouches for.</summary>
    public long LastVouched { get; }

    public int LinkedCount => _linked.Count;

    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>The highest sequence a valid tree head (a checkpoint with a Merkle root) names; 0 when none.</summary>
    public long LastTreeHead => _vouched.Where(v => v.Value.Exists(c => c.Root is not null)).Select(v => v.Key).DefaultIfEmpty(0).Max();

    /// <summary>The valid tree heads (checkpoints with a Merkle root) for the tree of <paramref name="size"/> records.</summary>
    public List<AuditCheckpoint>? TreeHeadsAt(long size) =>
        _vouched.TryGetValue(size, out var signed) && signed.Exists(c => c.Root is not null) ? signed.FindAll(c => c.Root is not null) : null;

    /// <summary>Whether a valid checkpoint vouches for a hash at <paramref name="sequence"/> other than <paramref name="hash"/>.</summary>
    public bool Contradicts(long sequence, byte[] hash) =>
        _vouched.TryGetValue(sequence, out var signed) && signed.Exists(c => !c.Hash.AsSpan().SequenceEqual(hash));

    /// <summary>Checks that a checkpoint vouched for record <paramref name="sequence"/> (written at <paramref name="timeMicros"/>) in time; records come in sequence order.</summary>
    public void Observe(long sequence, long timeMicros)
    {
        if (_policy is null)
        {
            return;
        }

        while (_next < _linked.Count && _linked[_next].Sequence < sequence)
        {
            _next++;
        }

        if (sequence <= _lastLegacy && (_next >= _linked.Count || _next == 0))
        {
            // Before the linked chain began: only legacy checkpoints vouch for it.
            Extend(ref _legacyFrom, ref _legacyTo, sequence);
            return;
        }

        if (_next >= _linked.Count)
        {
            Extend(ref _tailFrom, ref _tailTo, sequence);
            _tailNewestMicros = Math.Max(_tailNewestMicros, timeMicros);
            return;
        }

        var checkpoint = _linked[_next];
        if (checkpoint.TimeMicros <= timeMicros + CheckpointPolicy.AllowanceMicros(Interval(checkpoint)))
        {
            return;
        }

        if (checkpoint.Kind == CheckpointKind.Start)
        {
            // Written by a run that ended without its final checkpoint; the next start signed it.
            _lateBy = checkpoint;
            Extend(ref _lateFrom, ref _lateTo, sequence);
            return;
        }

        Add(new AuditFinding(AuditFindingKind.CheckpointsMissing, sequence, sequence) { Detail = Invariant($"first vouched for by checkpoint #{checkpoint.Counter}, signed more than the interval plus slack later") });
    }

    /// <summary>The end of the chain: unsigned records at the head, and whether the last checkpoint is recent or final.</summary>
    public void Finish(long headSequence)
    {
        if (_policy is null)
        {
            return;
        }

        if (_legacyTo > 0)
        {
            _warnings.Add(Invariant($"legacy checkpoints: records {_legacyFrom}-{_legacyTo} are vouched for by {_legacyCount} checkpoints that do not link to each other; removed checkpoints, or records cut at one of them, cannot be detected there"));
        }

        if (_lateTo > 0)
        {
            _warnings.Add(Invariant($"records {_lateFrom}-{_lateTo} were signed only when the gateway started again (checkpoint #{_lateBy!.Counter} at {Time(_lateBy.TimeMicros)}): a run ended without its final checkpoint"));
        }

        var last = _linked.Count > 0 ? _linked[^1] : null;
        if (_tailTo > 0)
        {
            if (last is null && _lastLegacy == 0)
            {
                Add(new AuditFinding(AuditFindingKind.CheckpointsMissing, _tailFrom, _tailTo) { Detail = "no checkpoint vouches for them" });
            }
            else
            {
                var signedAt = last?.TimeMicros ?? _vouched[_lastLegacy].Max(c => c.TimeMicros);
                var interval = last is null ? _policy.Interval : Interval(last);
                if (_tailNewestMicros > signedAt + CheckpointPolicy.AllowanceMicros(interval))
                {
                    Add(new AuditFinding(AuditFindingKind.CheckpointsMissing, _tailFrom, _tailTo) { Detail = Invariant($"written more than the interval plus slack after the last checkpoint, at {Time(signedAt)}, and vouched for by none") });
                }
            }
        }

        if (last is not null && last.Kind != CheckpointKind.Stop
            && (_policy.Now - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond > last.TimeMicros + CheckpointPolicy.AllowanceMicros(Interval(last)))
        {
            Add(new AuditFinding(AuditFindingKind.Truncated, Math.Max(last.Sequence, headSequence) + 1, long.MaxValue)
            {
                Detail = Invariant($"the last checkpoint, #{last.Counter} for record {last.Sequence} at {Time(last.TimeMicros)}, is neither the gateway's final one nor recent: what came after it was removed, or the gateway died and has not run since"),
            });
        }
    }

    private TimeSpan Interval(AuditCheckpoint checkpoint) => checkpoint.IntervalMillis > 0 ? TimeSpan.FromMilliseconds(checkpoint.IntervalMillis) : _policy!.Interval;

    private void Add(AuditFinding finding) => _findings.Add(finding);

    private static AuditFinding Between(AuditCheckpoint before, AuditCheckpoint after, string detail) =>
        after.Sequence > before.Sequence
            ? new AuditFinding(AuditFindingKind.CheckpointsMissing, before.Sequence + 1, after.Sequence) { Detail = detail }
            : new AuditFinding(AuditFindingKind.CheckpointsMissing, after.Sequence, after.Sequence) { Detail = detail };

    private static void Extend(ref long from, ref long to, long sequence)
    {
        if (to == 0)
        {
            from = sequence;
        }

        to = sequence;
    }

    private static string Time(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
