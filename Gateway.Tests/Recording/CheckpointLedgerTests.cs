using System.Security.Cryptography;
using McpGateway.Core.Recording;

namespace McpGateway.Tests.Recording;

/// <summary>The rules on linked checkpoints, over an in-memory chain: a crash and restart, a fork, a skipped counter.</summary>
[TestFixture]
internal sealed class CheckpointLedgerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(60);
    private static readonly DateTimeOffset Base = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private CheckpointSigner _signer = null!;
    private ECDsa _publicKey = null!;
    private string _keyPath = null!;

    [SetUp]
    public void CreateKey()
    {
        var (privateKey, publicKey) = CheckpointSigner.GenerateKey();
        _keyPath = Path.GetTempFileName();
        File.WriteAllText(_keyPath, privateKey);
        _signer = CheckpointSigner.FromPemFile(_keyPath);
        _publicKey = CheckpointSigner.PublicKeyFromPem(publicKey);
    }

    [TearDown]
    public void DisposeKey()
    {
        _signer.Dispose();
        _publicKey.Dispose();
        File.Delete(_keyPath);
    }

    private static long Micros(TimeSpan after) => (Base + after - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

    /// <summary>Records 1..count, record n written n seconds after the base.</summary>
    private static List<StoredAuditRecord> Chain(int count)
    {
        var records = new List<StoredAuditRecord>();
        var previous = AuditHashChain.Genesis;
        for (var n = 1; n <= count; n++)
        {
            var record = new AuditRecord { TimeMicros = Micros(TimeSpan.FromSeconds(n)), Kind = AuditEventKind.Frame, SessionId = "s", Verdict = "forwarded" };
            var hash = AuditHashChain.Compute(previous, n, record);
            records.Add(new StoredAuditRecord(n, record, previous, hash));
            previous = hash;
        }

        return records;
    }

    private AuditCheckpoint Sign(List<StoredAuditRecord> records, long sequence, TimeSpan at, AuditCheckpoint? previous, CheckpointKind kind) =>
        _signer.SignLinked(sequence, sequence == 0 ? AuditHashChain.Genesis : records[(int)sequence - 1].Hash, Micros(at), previous, kind, Interval);

    private Task<AuditVerification> VerifyAsync(List<StoredAuditRecord> records, IReadOnlyList<AuditCheckpoint> checkpoints, TimeSpan now, CancellationToken cancellationToken) =>
        AuditChainVerifier.VerifyAsync(records.ToAsyncEnumerable(), checkpoints, [], _publicKey, new CheckpointPolicy(Base + now, Interval), cancellationToken);

    [Test]
    [CancelAfter(10000)]
    public async Task Verify_RunDiedAfterItsLastCheckpointAndTheNextStartSignedItsRecords_WarnsAndStaysIntact(CancellationToken cancellationToken)
    {
        var records = Chain(10);
        var start = Sign(records, 0, TimeSpan.Zero, null, CheckpointKind.Start);
        var periodic = Sign(records, 5, TimeSpan.FromSeconds(60), start, CheckpointKind.Periodic);
        var restart = Sign(records, 10, TimeSpan.FromHours(3), periodic, CheckpointKind.Start);

        var verification = await VerifyAsync(records, [start, periodic, restart], TimeSpan.FromHours(3) + TimeSpan.FromSeconds(30), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(verification.Findings, Is.Empty, string.Join("; ", verification.Findings));
            Assert.That(verification.Warnings, Has.One.StartsWith("records 6-10 were signed only when the gateway started again (checkpoint #3"));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Verify_RunDiedAndNeverRestarted_ReportsTruncatedFromTheLastCheckpoint(CancellationToken cancellationToken)
    {
        var records = Chain(10);
        var start = Sign(records, 0, TimeSpan.Zero, null, CheckpointKind.Start);
        var periodic = Sign(records, 5, TimeSpan.FromSeconds(60), start, CheckpointKind.Periodic);

        var verification = await VerifyAsync(records, [start, periodic], TimeSpan.FromHours(3), cancellationToken);

        Assert.That(verification.Findings.Select(f => f.ToString()), Has.One.StartsWith("truncated: records from 11 on (the last checkpoint, #2 for record 5"));
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Verify_CheckpointRowDeletedFromTheMiddle_ReportsCheckpointsMissingBetweenItsNeighbours(CancellationToken cancellationToken)
    {
        var records = Chain(10);
        var first = Sign(records, 0, TimeSpan.Zero, null, CheckpointKind.Start);
        var second = Sign(records, 4, TimeSpan.FromSeconds(5), first, CheckpointKind.Periodic);
        var third = Sign(records, 8, TimeSpan.FromSeconds(9), second, CheckpointKind.Periodic);
        var stop = Sign(records, 10, TimeSpan.FromSeconds(11), third, CheckpointKind.Stop);

        var verification = await VerifyAsync(records, [first, third, stop], TimeSpan.FromDays(1), cancellationToken);

        Assert.That(verification.Findings.Select(f => f.ToString()), Is.EqualTo(new[] { "checkpoints_missing: records 1-8 (checkpoint #2 is gone)" }));
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Verify_TwoCheckpointsWithOneCounter_ReportsTheFork(CancellationToken cancellationToken)
    {
        var records = Chain(10);
        var first = Sign(records, 0, TimeSpan.Zero, null, CheckpointKind.Start);
        var stop = Sign(records, 10, TimeSpan.FromSeconds(11), first, CheckpointKind.Stop);
        var forked = Sign(records, 9, TimeSpan.FromSeconds(10), first, CheckpointKind.Stop);

        var verification = await VerifyAsync(records, [first, stop, forked], TimeSpan.FromDays(1), cancellationToken);

        Assert.That(verification.Findings.Select(f => f.ToString()), Does.Contain("checkpointmismatch: record 9 (two different checkpoints #2: the chain of checkpoints forked)"));
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Verify_RecordsSignedLaterThanTheIntervalPlusSlack_ReportsCheckpointsMissing(CancellationToken cancellationToken)
    {
        var records = Chain(10);
        var first = Sign(records, 0, TimeSpan.Zero, null, CheckpointKind.Start);
        var late = Sign(records, 10, TimeSpan.FromSeconds(10 + 60 + 31), first, CheckpointKind.Stop);

        var verification = await VerifyAsync(records, [first, late], TimeSpan.FromDays(1), cancellationToken);

        Assert.That(verification.Findings.Select(f => f.ToString()), Is.EqualTo(new[] { "checkpoints_missing: records 1-10 (first vouched for by checkpoint #2, signed more than the interval plus slack later)" }));
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Verify_PurgedPrefixWhoseCheckpointsOnlyTheAnchorFileStillHolds_Intact(CancellationToken cancellationToken)
    {
        var records = Chain(10);
        var first = Sign(records, 0, TimeSpan.Zero, null, CheckpointKind.Start);
        var second = Sign(records, 4, TimeSpan.FromSeconds(5), first, CheckpointKind.Periodic);
        var stop = Sign(records, 10, TimeSpan.FromSeconds(11), second, CheckpointKind.Stop);
        var purge = _signer.SignAnchor(6, records[4].Hash, Micros(TimeSpan.FromSeconds(12)));

        // Retention deleted records 1-5 and the store's checkpoints before record 6; the anchor outside kept them all.
        var verification = await AuditChainVerifier.VerifyAsync(
            records.Skip(5).ToAsyncEnumerable(), [stop], [purge], _publicKey,
            new CheckpointPolicy(Base + TimeSpan.FromDays(1), Interval) { Witnessed = [first, second, stop] }, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(verification.Findings, Is.Empty, string.Join("; ", verification.Findings));
            Assert.That(verification.PurgedBefore, Is.EqualTo(6));
        });
    }
}
