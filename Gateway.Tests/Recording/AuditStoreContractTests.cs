using McpGateway.Core.Recording;

namespace McpGateway.Tests.Recording;

/// <summary>What every audit store must do; one concrete fixture per store.</summary>
internal abstract class AuditStoreContractTests
{
    /// <summary>A store over the fixture's database; the same database each call, so that a reopened store continues it.</summary>
    protected abstract IAuditStore OpenStore();

    /// <summary>Runs <paramref name="sql"/> on the store's database directly, as someone with access to it would.</summary>
    protected abstract Task ExecuteSqlAsync(string sql, CancellationToken cancellationToken);

    private static readonly (string PrivateKey, string PublicKey) Key = CheckpointSigner.GenerateKey();

    /// <summary>A store of <paramref name="count"/> records (times 1..count micros after a base), purged to keep <paramref name="keep"/>.</summary>
    private async Task<(IAuditStore Store, CheckpointSigner Signer, System.Security.Cryptography.ECDsa PublicKey, long Purged, long First)> PurgedStoreAsync(int count, int keep, CancellationToken cancellationToken)
    {
        var store = OpenStore();
        await Task.WhenAll(Enumerable.Range(1, count).Select(n => store.AppendAsync(Record("s", n), cancellationToken).AsTask()));
        var keyPath = Path.GetTempFileName();
        await File.WriteAllTextAsync(keyPath, Key.PrivateKey, cancellationToken);
        var signer = CheckpointSigner.FromPemFile(keyPath);
        File.Delete(keyPath);
        var (sequence, hash) = await store.ReadHeadAsync(cancellationToken);
        await store.AppendCheckpointAsync(signer.Sign(sequence, hash, 1), cancellationToken);
        var (purged, first) = await store.PurgeAsync(null, keep, (s, prev) => signer.SignAnchor(s, prev, 2), cancellationToken);
        return (store, signer, CheckpointSigner.PublicKeyFromPem(Key.PublicKey), purged, first);
    }

    private static async Task<AuditVerification> VerifyAsync(IAuditStore store, System.Security.Cryptography.ECDsa? publicKey, CancellationToken cancellationToken) =>
        await AuditChainVerifier.VerifyAsync(
            store.ReadAsync(1, cancellationToken),
            await store.ReadCheckpointsAsync(cancellationToken).ToListAsync(cancellationToken),
            await store.ReadAnchorsAsync(cancellationToken).ToListAsync(cancellationToken),
            publicKey,
            cancellationToken);

    [Test]
    [CancelAfter(30000)]
    public async Task PurgeAsync_KeepTwenty_OldestGoneAndTheRestVerifiesFromTheSignedAnchor(CancellationToken cancellationToken)
    {
        var (store, signer, publicKey, purged, first) = await PurgedStoreAsync(50, 20, cancellationToken);
        try
        {
            await store.AppendAsync(Record("s", 51), cancellationToken);
            var verification = await VerifyAsync(store, publicKey, cancellationToken);
            var unsigned = await VerifyAsync(store, null, cancellationToken);
            var again = await store.PurgeAsync(null, 21, (s, prev) => signer.SignAnchor(s, prev, 3), cancellationToken);
            Assert.Multiple(() =>
            {
                Assert.That((purged, first), Is.EqualTo((30L, 31L)));
                Assert.That(verification.Findings, Is.Empty);
                Assert.That((verification.PurgedBefore, verification.Records, verification.HeadSequence), Is.EqualTo((31L, 21L, 51L)));
                Assert.That(unsigned.Findings, Is.EqualTo(new[] { new AuditFinding(AuditFindingKind.Deleted, 1, 30) }), "without the key a purge cannot be told from deletion");
                Assert.That(again, Is.EqualTo((0L, 31L)));
            });
        }
        finally
        {
            signer.Dispose();
            publicKey.Dispose();
            await ((IAsyncDisposable)store).DisposeAsync();
        }
    }

    [Test]
    [CancelAfter(30000)]
    public async Task PurgeAsync_ByAge_RecordsBeforeTheCutoffGoneAlwaysKeepingTheLast(CancellationToken cancellationToken)
    {
        var store = OpenStore();
        try
        {
            for (var n = 1; n <= 10; n++)
            {
                await store.AppendAsync(Record("s", n), cancellationToken);
            }

            var times = (await ReadAllAsync(store, cancellationToken)).Select(r => r.Record.TimeMicros).Order().ToList();

            var (purged, first) = await store.PurgeAsync(times[4], null, (s, prev) => new AuditAnchor(s, prev, 0, []), cancellationToken);
            var remaining = await ReadAllAsync(store, cancellationToken);
            var (all, last) = await store.PurgeAsync(long.MaxValue, null, (s, prev) => new AuditAnchor(s, prev, 0, []), cancellationToken);

            Assert.Multiple(() =>
            {
                Assert.That(purged, Is.EqualTo(4));
                Assert.That(remaining.Select(r => r.Record.TimeMicros), Has.All.GreaterThanOrEqualTo(times[4]));
                Assert.That(remaining.First().Sequence, Is.EqualTo(first));
                Assert.That((all, last), Is.EqualTo((5L, 10L)), "the newest record stays, so the chain goes on from it");
            });
        }
        finally
        {
            await ((IAsyncDisposable)store).DisposeAsync();
        }
    }

    [TestCase("DELETE FROM audit_records WHERE seq IN (35, 36)", AuditFindingKind.Deleted, 35, 36)]
    [TestCase("DELETE FROM audit_records WHERE seq IN (31, 32)", AuditFindingKind.Deleted, 31, 32)]
    [TestCase("DELETE FROM audit_anchors", AuditFindingKind.Deleted, 1, 30)]
    [TestCase("DELETE FROM audit_records WHERE seq >= 45", AuditFindingKind.Truncated, 45, 50)]
    [TestCase("UPDATE audit_anchors SET seq = 33", AuditFindingKind.CheckpointMismatch, 33, 33)]
    [TestCase("UPDATE audit_records SET tool = 'rm' WHERE seq = 40", AuditFindingKind.Modified, 40, 40)]
    [CancelAfter(30000)]
    public async Task Verify_TamperedAfterPurge_ReportedWithItsRange(string sql, AuditFindingKind kind, long from, long to, CancellationToken cancellationToken)
    {
        var (store, signer, publicKey, _, _) = await PurgedStoreAsync(50, 20, cancellationToken);
        try
        {
            await ExecuteSqlAsync(sql, cancellationToken);

            var verification = await VerifyAsync(store, publicKey, cancellationToken);

            Assert.That(verification.Findings, Does.Contain(new AuditFinding(kind, from, to)), string.Join("; ", verification.Findings));
        }
        finally
        {
            signer.Dispose();
            publicKey.Dispose();
            await ((IAsyncDisposable)store).DisposeAsync();
        }
    }

    [Test]
    [CancelAfter(60000)]
    public async Task AppendAsync_StoreWrittenBeforeTheTree_TreeRebuiltInPlaceBothFormatsVerifyAndProve(CancellationToken cancellationToken)
    {
        const int Legacy = 300;
        var store = OpenStore();
        var keyPath = Path.GetTempFileName();
        await File.WriteAllTextAsync(keyPath, Key.PrivateKey, cancellationToken);
        using var signer = CheckpointSigner.FromPemFile(keyPath);
        File.Delete(keyPath);
        using var publicKey = CheckpointSigner.PublicKeyFromPem(Key.PublicKey);
        try
        {
            // What a gateway before the tree wrote: format 1 records and a linked checkpoint without a root (the
            // legacy checkpoint first creates the tables).
            await store.AppendCheckpointAsync(signer.Sign(0, AuditHashChain.Genesis, 0), cancellationToken);
            var sql = new System.Text.StringBuilder();
            var previous = AuditHashChain.Genesis;
            for (var n = 1; n <= Legacy; n++)
            {
                var record = new AuditRecord { TimeMicros = 1_700_000_000_000_000 + n, Kind = AuditEventKind.Frame, SessionId = "old", Method = "tools/call" };
                var hash = AuditHashChain.ComputeLegacy(previous, n, record);
                sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"INSERT INTO audit_records (seq, time_us, kind, session_id, method, prev_hash, hash) VALUES ({n}, {record.TimeMicros}, 'frame', 'old', 'tools/call', {Bytes(previous)}, {Bytes(hash)});");
                previous = hash;
            }

            await ExecuteSqlAsync(sql.ToString(), cancellationToken);
            await store.AppendLinkedCheckpointAsync((sequence, hash, last) => signer.SignLinked(sequence, hash, 1, last, CheckpointKind.Periodic, TimeSpan.FromSeconds(60)), cancellationToken);

            for (var n = 1; n <= 20; n++)
            {
                await store.AppendAsync(Record("new", n), cancellationToken);
            }

            var first = await store.AppendTreeHeadAsync((head, last) => signer.SignTreeHead(head, 2, last, CheckpointKind.Periodic, TimeSpan.FromSeconds(60)), cancellationToken);
            await Task.WhenAll(Enumerable.Range(21, 10).Select(n => store.AppendAsync(Record("new", n), cancellationToken).AsTask()));
            var second = await store.AppendTreeHeadAsync((head, last) => signer.SignTreeHead(head, 3, last, CheckpointKind.Stop, TimeSpan.FromSeconds(60)), cancellationToken);

            var records = await ReadAllAsync(store, cancellationToken);
            var verification = await VerifyAsync(store, publicKey, cancellationToken);
            var old = await McpGateway.Inspectors.Recording.AuditProofs.InclusionAsync(store, 7, first.Sequence, cancellationToken);
            var fresh = await McpGateway.Inspectors.Recording.AuditProofs.InclusionAsync(store, Legacy + 25, null, cancellationToken);
            var consistency = await McpGateway.Inspectors.Recording.AuditProofs.ConsistencyAsync(store, first.Sequence, second.Sequence, cancellationToken);
            Assert.Multiple(() =>
            {
                Assert.That((first.Sequence, second.Sequence), Is.EqualTo((Legacy + 20L, Legacy + 30L)));
                Assert.That(verification.Findings, Is.Empty, string.Join("; ", verification.Findings));
                Assert.That(verification.Records, Is.EqualTo(Legacy + 30L));
                Assert.That(old.Leaf[0], Is.EqualTo((byte)1), "a record written before the tree is a format 1 leaf");
                Assert.That(fresh.Leaf[0], Is.EqualTo((byte)2));
                Assert.That(old.Check(publicKey), Is.Null);
                Assert.That(fresh.Check(publicKey), Is.Null);
                Assert.That(consistency.Check(publicKey), Is.Null);
                Assert.That(records[^1].Hash, Is.EqualTo(second.Hash));
            });
        }
        finally
        {
            await ((IAsyncDisposable)store).DisposeAsync();
        }
    }

    [Test]
    [CancelAfter(30000)]
    public async Task AppendTreeHeadAsync_SignedRootOfOtherRecords_VerifyReportsTreeHeadMismatch(CancellationToken cancellationToken)
    {
        var store = OpenStore();
        var keyPath = Path.GetTempFileName();
        await File.WriteAllTextAsync(keyPath, Key.PrivateKey, cancellationToken);
        using var signer = CheckpointSigner.FromPemFile(keyPath);
        File.Delete(keyPath);
        using var publicKey = CheckpointSigner.PublicKeyFromPem(Key.PublicKey);
        try
        {
            for (var n = 1; n <= 5; n++)
            {
                await store.AppendAsync(Record("s", n), cancellationToken);
            }

            // A tree head whose chain hash is right but whose root is not the records' (a signer that lies about the tree).
            await store.AppendTreeHeadAsync((head, last) => signer.SignTreeHead(head with { Root = MerkleTree.EmptyRoot }, 2, last, CheckpointKind.Stop, TimeSpan.FromSeconds(60)), cancellationToken);

            var verification = await VerifyAsync(store, publicKey, cancellationToken);
            Assert.That(verification.Findings.Select(f => (f.Kind, f.FromSequence, f.ToSequence)), Is.EqualTo(new[] { (AuditFindingKind.TreeHeadMismatch, 5L, 5L) }));
        }
        finally
        {
            await ((IAsyncDisposable)store).DisposeAsync();
        }
    }

    [Test]
    [CancelAfter(30000)]
    public async Task PurgeAsync_AfterTreeHeads_TreeHeadsCheckedFromTheAnchorsEdgeAndProofsOfPurgedLeavesRefused(CancellationToken cancellationToken)
    {
        var store = OpenStore();
        var keyPath = Path.GetTempFileName();
        await File.WriteAllTextAsync(keyPath, Key.PrivateKey, cancellationToken);
        using var signer = CheckpointSigner.FromPemFile(keyPath);
        File.Delete(keyPath);
        using var publicKey = CheckpointSigner.PublicKeyFromPem(Key.PublicKey);
        try
        {
            await Task.WhenAll(Enumerable.Range(1, 40).Select(n => store.AppendAsync(Record("s", n), cancellationToken).AsTask()));
            await store.AppendTreeHeadAsync((head, last) => signer.SignTreeHead(head, 1, last, CheckpointKind.Periodic, TimeSpan.FromSeconds(60)), cancellationToken);
            await store.PurgeAsync(null, 10, (s, prev) => signer.SignAnchor(s, prev, 2), cancellationToken);
            await store.AppendAsync(Record("s", 41), cancellationToken);
            await store.AppendTreeHeadAsync((head, last) => signer.SignTreeHead(head, 3, last, CheckpointKind.Stop, TimeSpan.FromSeconds(60)), cancellationToken);

            var verification = await VerifyAsync(store, publicKey, cancellationToken);
            var anchors = await store.ReadAnchorsAsync(cancellationToken).ToListAsync(cancellationToken);
            Assert.Multiple(() =>
            {
                Assert.That(verification.Findings, Is.Empty, string.Join("; ", verification.Findings));
                Assert.That(verification.PurgedBefore, Is.EqualTo(31));
                Assert.That(verification.Warnings, Is.Empty, "the anchor keeps the tree's edge over the purged records");
                Assert.That(anchors.Single().TreeEdge, Has.Length.EqualTo(4 * MerkleTree.HashSize), "30 records: subtrees of 16, 8, 4 and 2");
                Assert.That(
                    () => McpGateway.Inspectors.Recording.AuditProofs.InclusionAsync(store, 41, null, cancellationToken),
                    Throws.InvalidOperationException.With.Message.Contains("purged"));
            });

            // Someone swaps the unsigned edge: the tree heads after the purge no longer match.
            await ExecuteSqlAsync($"UPDATE audit_anchors SET tree_edge = {Bytes(new byte[4 * MerkleTree.HashSize])}", cancellationToken);
            var forged = await VerifyAsync(store, publicKey, cancellationToken);
            Assert.That(forged.Findings.Select(f => (f.Kind, f.FromSequence, f.ToSequence)), Is.EqualTo(new[] { (AuditFindingKind.TreeHeadMismatch, 40L, 41L) }));
        }
        finally
        {
            await ((IAsyncDisposable)store).DisposeAsync();
        }
    }

    /// <summary>A bytes literal in the store's SQL.</summary>
    protected abstract string Bytes(byte[] value);

    protected static AuditRecord Record(string session, int n) => new()
    {
        TimeMicros = 1_700_000_000_000_000 + n,
        Kind = AuditEventKind.Frame,
        SessionId = session,
        Subject = "alice",
        Connection = "files",
        Direction = "client_to_upstream",
        FrameSequence = n,
        MessageKind = "request",
        RpcId = n.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Method = "tools/call",
        Tool = "echo",
        Verdict = "forwarded",
        Size = 42,
        PayloadSha256 = new string('a', 64),
        Payload = "{\"jsonrpc\":\"2.0\"}"u8.ToArray(),
    };

    protected static async Task<List<StoredAuditRecord>> ReadAllAsync(IAuditStore store, CancellationToken cancellationToken)
    {
        var records = new List<StoredAuditRecord>();
        await foreach (var record in store.ReadAsync(1, cancellationToken))
        {
            records.Add(record);
        }

        return records;
    }

    [Test]
    [CancelAfter(30000)]
    public async Task AppendAsync_ManyConcurrentCallers_EachCommittedOnceInOneIntactChain(CancellationToken cancellationToken)
    {
        var store = OpenStore();
        try
        {
            await Task.WhenAll(Enumerable.Range(1, 300).Select(n => store.AppendAsync(Record("s" + (n % 7), n), cancellationToken).AsTask()));

            var records = await ReadAllAsync(store, cancellationToken);
            var verification = await AuditChainVerifier.VerifyAsync(store.ReadAsync(1, cancellationToken), cancellationToken);

            Assert.Multiple(() =>
            {
                Assert.That(records.Select(r => r.Sequence), Is.EqualTo(Enumerable.Range(1, 300).Select(n => (long)n)));
                Assert.That(records.Select(r => r.Record.FrameSequence).Order(), Is.EqualTo(Enumerable.Range(1, 300).Select(n => (long?)n)));
                Assert.That(verification.Findings, Is.Empty);
                Assert.That(store.IsAvailable, Is.True);
            });
        }
        finally
        {
            await ((IAsyncDisposable)store).DisposeAsync();
        }
    }

    [Test]
    [CancelAfter(30000)]
    public async Task ReadAsync_AfterAppend_ReturnsEveryFieldAsWritten(CancellationToken cancellationToken)
    {
        var written = Record("s1", 1) with
        {
            Kind = AuditEventKind.SessionStart,
            ClientId = "agent",
            Groups = "dev\nops",
            TokenHash = "abc123",
            RemoteAddress = "127.0.0.1:5000",
            ProtocolVersion = "2025-06-18",
            Inspector = "policy:deny-write",
            Reason = "forbidden",
            ErrorCode = -31003,
        };
        var store = OpenStore();
        try
        {
            await store.AppendAsync(written, cancellationToken);

            var read = (await ReadAllAsync(store, cancellationToken)).Single();

            Assert.Multiple(() =>
            {
                Assert.That(read.Record with { Payload = null }, Is.EqualTo(written with { Payload = null }));
                Assert.That(read.Record.Payload, Is.EqualTo(written.Payload));
                Assert.That(read.PrevHash, Is.EqualTo(AuditHashChain.Genesis));
                Assert.That(read.Hash, Is.EqualTo(AuditHashChain.Compute(AuditHashChain.Genesis, 1, written)));
            });
        }
        finally
        {
            await ((IAsyncDisposable)store).DisposeAsync();
        }
    }

    [Test]
    [CancelAfter(30000)]
    public async Task CommitAsync_BatchOfSeventyRows_EveryFieldAsWrittenAndOneIntactChain(CancellationToken cancellationToken)
    {
        // 70 = two 32-row statements and six single rows in the SQLite store; empty texts and an empty payload must
        // not come back as NULL, non-ASCII text must come back as written.
        var written = Enumerable.Range(1, 70).Select(n => (n % 5) switch
        {
            0 => Record("s" + (n % 3), n) with { Groups = string.Empty, Reason = string.Empty, Payload = [] },
            1 => Record("s" + (n % 3), n) with { Subject = "jürgen 😀", Tool = "échö", Payload = null, PayloadSha256 = null, Size = null },
            2 => Record("s" + (n % 3), n) with { Kind = AuditEventKind.SessionEnd, Direction = null, FrameSequence = null, ErrorCode = -31006 },
            _ => Record("s" + (n % 3), n),
        }).ToList();
        var store = OpenStore();
        try
        {
            await store.AppendAsync(Record("s0", 0), cancellationToken);
            await ((McpGateway.Inspectors.Recording.IAuditBatchSink)store).CommitAsync(written, cancellationToken);
            await store.AppendAsync(Record("s0", 71), cancellationToken);

            var read = await ReadAllAsync(store, cancellationToken);
            var verification = await AuditChainVerifier.VerifyAsync(store.ReadAsync(1, cancellationToken), cancellationToken);
            var expectedHashes = new List<byte[]>();
            var prev = AuditHashChain.Genesis;
            foreach (var (record, sequence) in written.Prepend(Record("s0", 0)).Append(Record("s0", 71)).Select((r, i) => (r, i + 1L)))
            {
                prev = AuditHashChain.Compute(prev, sequence, record);
                expectedHashes.Add(prev);
            }

            Assert.Multiple(() =>
            {
                Assert.That(read.Select(r => r.Sequence), Is.EqualTo(Enumerable.Range(1, 72).Select(n => (long)n)));
                Assert.That(read.Skip(1).Take(70).Select(r => r.Record with { Payload = null }), Is.EqualTo(written.Select(r => r with { Payload = null })));
                Assert.That(read.Skip(1).Take(70).Select(r => r.Record.Payload), Is.EqualTo(written.Select(r => r.Payload)));
                Assert.That(read.Select(r => r.Hash), Is.EqualTo(expectedHashes));
                Assert.That(verification.Findings, Is.Empty);
            });
        }
        finally
        {
            await ((IAsyncDisposable)store).DisposeAsync();
        }
    }

    [Test]
    [CancelAfter(30000)]
    public async Task AppendAsync_AfterReopen_ContinuesTheChain(CancellationToken cancellationToken)
    {
        var first = OpenStore();
        await first.AppendAsync(Record("s1", 1), cancellationToken);
        await first.AppendAsync(Record("s1", 2), cancellationToken);
        await ((IAsyncDisposable)first).DisposeAsync();

        var second = OpenStore();
        try
        {
            await second.AppendAsync(Record("s2", 3), cancellationToken);

            var records = await ReadAllAsync(second, cancellationToken);
            var verification = await AuditChainVerifier.VerifyAsync(second.ReadAsync(1, cancellationToken), cancellationToken);
            Assert.Multiple(() =>
            {
                Assert.That(records.Select(r => r.Sequence), Is.EqualTo(new long[] { 1, 2, 3 }));
                Assert.That(records[2].PrevHash, Is.EqualTo(records[1].Hash));
                Assert.That(verification.IsIntact, Is.True, string.Join("; ", verification.Findings));
            });
        }
        finally
        {
            await ((IAsyncDisposable)second).DisposeAsync();
        }
    }

    [Test]
    [CancelAfter(30000)]
    public async Task AppendLinkedCheckpointAsync_TwoWritersSigningBetweenAppends_OneUnbrokenChainThatAnAnchorCopyHoldsAgainstTruncation(CancellationToken cancellationToken)
    {
        var first = OpenStore();
        var second = OpenStore();
        var keyPath = Path.GetTempFileName();
        await File.WriteAllTextAsync(keyPath, Key.PrivateKey, cancellationToken);
        using var signer = CheckpointSigner.FromPemFile(keyPath);
        File.Delete(keyPath);
        using var publicKey = CheckpointSigner.PublicKeyFromPem(Key.PublicKey);
        var time = DateTimeOffset.UtcNow;
        long Micros() => (time - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
        try
        {
            // Two gateways on one store: each appends records and signs checkpoints, in parallel.
            var work = Enumerable.Range(1, 20).Select(async n =>
            {
                var store = n % 2 == 0 ? first : second;
                await store.AppendAsync(Record("s", n) with { TimeMicros = Micros() }, cancellationToken);
                return await store.AppendLinkedCheckpointAsync((sequence, hash, previous) => signer.SignLinked(sequence, hash, Micros(), previous, CheckpointKind.Periodic, TimeSpan.FromSeconds(60)), cancellationToken);
            });
            var signed = await Task.WhenAll(work);
            var checkpoints = await first.ReadCheckpointsAsync(cancellationToken).ToListAsync(cancellationToken);
            var policy = new CheckpointPolicy(time, TimeSpan.FromSeconds(60));
            var verification = await AuditChainVerifier.VerifyAsync(first.ReadAsync(1, cancellationToken), checkpoints, [], publicKey, policy, cancellationToken);

            // Then every checkpoint row and the last five records go; the anchor's copy is all that is left of them.
            await ExecuteSqlAsync("DELETE FROM audit_checkpoints; DELETE FROM audit_records WHERE seq > 15", cancellationToken);
            var truncated = await AuditChainVerifier.VerifyAsync(first.ReadAsync(1, cancellationToken), [], [], publicKey, policy with { Witnessed = signed }, cancellationToken);

            Assert.Multiple(() =>
            {
                Assert.That(checkpoints.Select(c => c.Counter), Is.EqualTo(Enumerable.Range(1, 20).Select(n => (long?)n)), "one chain of counters, no fork");
                Assert.That(verification.Findings, Is.Empty, string.Join("; ", verification.Findings));
                Assert.That((verification.Records, verification.LinkedCheckpoints, verification.LastCheckpoint), Is.EqualTo((20L, 20L, 20L)));
                Assert.That(truncated.Findings.Select(f => (f.Kind, f.FromSequence, f.ToSequence)), Does.Contain((AuditFindingKind.Truncated, 16L, 20L)));
                Assert.That(truncated.Findings.Select(f => f.Kind), Does.Contain(AuditFindingKind.CheckpointsMissing), "checkpoint rows the anchor holds are gone from the store");
            });
        }
        finally
        {
            await ((IAsyncDisposable)first).DisposeAsync();
            await ((IAsyncDisposable)second).DisposeAsync();
        }
    }
}
