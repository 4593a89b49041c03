using McpGateway.Core.Recording;

namespace McpGateway.Tests.Recording;

/// <summary>What every audit store must do; one concrete fixture per store.</summary>
internal abstract class AuditStoreContractTests
{
    /// <summary>A store over the fixture's database; the same database each call, so that a reopened store continues it.</summary>
    protected abstract IAuditStore OpenStore();

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
}
