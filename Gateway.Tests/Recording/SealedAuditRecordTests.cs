using System.Text;
using McpGateway.Core.Recording;

namespace McpGateway.Tests.Recording;

/// <summary>
/// A record sealed where it is made (its leaf bytes and leaf hash, computed by the pump's thread) is exactly what the
/// chain and the tree expect, and each value's place in the leaf bytes is where a store binds its column from.
/// </summary>
[TestFixture]
internal sealed class SealedAuditRecordTests
{
    private static AuditRecord Record(int n, byte[]? payload = null) => new()
    {
        TimeMicros = 1_700_000_000_000_000 + n,
        Kind = AuditEventKind.Frame,
        SessionId = "session-" + n,
        Subject = "alïce",
        Connection = "files",
        Direction = "upstream_to_client",
        FrameSequence = n,
        MessageKind = "response",
        RpcId = n.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Method = "tools/call",
        Tool = "echo",
        Verdict = "forwarded",
        Size = payload?.Length ?? 0,
        PayloadSha256 = new string('a', 64),
        Payload = payload,
    };

    [Test]
    public void Seal_Record_LeafHashIsTheChainsLeafHash()
    {
        var record = Record(1, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"u8.ToArray());

        var sealedRecord = SealedAuditRecord.Seal(record);

        var decoded = AuditLeafCodec.Decode(sealedRecord.Leaf.AsSpan(1));
        Assert.Multiple(() =>
        {
            Assert.That(sealedRecord.LeafHash, Is.EqualTo(AuditHashChain.LeafHash(record)));
            Assert.That(sealedRecord.Leaf[0], Is.EqualTo(0x00), "the leaf bytes start with RFC 9162's leaf prefix");
            Assert.That(decoded with { Payload = null }, Is.EqualTo(record with { Payload = null }));
            Assert.That(decoded.Payload, Is.EqualTo(record.Payload));
            Assert.That(sealedRecord.Record, Is.SameAs(record));
        });
    }

    [Test]
    public void Seal_Record_ValuesLocateEachTextAndThePayloadInTheLeafBytes()
    {
        var payload = "{\"x\":1}"u8.ToArray();
        var record = Record(2, payload) with { ClientId = null };

        var sealedRecord = SealedAuditRecord.Seal(record);

        string? Text(int value) => sealedRecord.Values[value].Offset < 0
            ? null
            : Encoding.UTF8.GetString(sealedRecord.Leaf, sealedRecord.Values[value].Offset, sealedRecord.Values[value].Length);

        Assert.Multiple(() =>
        {
            Assert.That(sealedRecord.Values, Has.Length.EqualTo(AuditHashChain.ValueCount));
            Assert.That(Text(0), Is.EqualTo(record.SessionId));
            Assert.That(Text(1), Is.EqualTo("alïce"));
            Assert.That(Text(2), Is.Null, "a null value has no place");
            Assert.That(Text(12), Is.EqualTo("echo"));
            Assert.That(Text(16), Is.EqualTo(record.PayloadSha256));
            Assert.That(sealedRecord.Leaf.AsSpan(sealedRecord.Values[17].Offset, sealedRecord.Values[17].Length).ToArray(), Is.EqualTo(payload));
        });
    }

    [Test]
    public void Seal_LargePayloadThenSmall_EachLeafHoldsOnlyItsOwnRecord()
    {
        var large = Record(3, new byte[200_000]);
        var small = Record(4, "{}"u8.ToArray());

        var first = SealedAuditRecord.Seal(large);
        var second = SealedAuditRecord.Seal(small);

        Assert.Multiple(() =>
        {
            Assert.That(first.LeafHash, Is.EqualTo(AuditHashChain.LeafHash(large)));
            Assert.That(second.LeafHash, Is.EqualTo(AuditHashChain.LeafHash(small)));
            Assert.That(second.Leaf, Has.Length.LessThan(1000));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Seal_ManyThreadsAtOnce_EverySealMatchesItsRecord(CancellationToken cancellationToken)
    {
        var records = Enumerable.Range(1, 2000).Select(n => Record(n, Encoding.UTF8.GetBytes(new string('p', n % 300)))).ToArray();

        var sealedRecords = await Task.WhenAll(records.Select(r => Task.Run(() => SealedAuditRecord.Seal(r), cancellationToken)));

        Assert.That(sealedRecords.Select(s => Convert.ToHexString(s.LeafHash)), Is.EqualTo(records.Select(r => Convert.ToHexString(AuditHashChain.LeafHash(r)))));
    }
}
