using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using NUnit.Framework;

namespace McpGateway.Tests.Sessions;

/// <summary>The adapter side of the seam: relayed messages keep the core's envelope; the gateway's own answers get one built for them.</summary>
[TestFixture]
internal sealed class MessageFrameSinkTests
{
    [Test]
    [CancelAfter(5000)]
    public async Task WriteFrame_RelayedMessage_DeliveredWithTheScannedEnvelope(CancellationToken cancellationToken)
    {
        using var sink = new CollectingSink();
        var json = """{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"echo"}}""";
        var payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json));
        Assert.That(new EnvelopeScanner(FrameLimits.Default).Scan(payload, out var envelope), Is.Null);

        await sink.WriteAloneAsync((payload, envelope), static (w, s) => w.WriteFrame(s.payload, s.envelope), cancellationToken);
        var delivered = await sink.NextAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(delivered.Json, Is.EqualTo(json));
            Assert.That(delivered.Envelope, Is.EqualTo(envelope));
            Assert.That(delivered.RefusedRpcId.IsValue, Is.False);
        });
    }

    [Test]
    [CancelAfter(5000)]
    public async Task WriteError_IdInUse_ErrorEnvelopeWithNullIdAndTheRefusedId(CancellationToken cancellationToken)
    {
        using var sink = new CollectingSink();

        await sink.WriteAloneAsync(0, static (w, _) => w.WriteError(JsonRpcId.Null, GatewayErrors.IdInUse, "s:1", JsonRpcId.FromString("x")), cancellationToken);
        var delivered = await sink.NextAsync(cancellationToken);
        var json = JsonNode.Parse(delivered.Json)!;

        Assert.Multiple(() =>
        {
            Assert.That(delivered.Envelope.Kind, Is.EqualTo(MessageKind.ErrorResponse));
            Assert.That(delivered.Envelope.Id, Is.EqualTo(JsonRpcId.Null));
            Assert.That(delivered.RefusedRpcId, Is.EqualTo(JsonRpcId.FromString("x")));
            Assert.That((string?)json["error"]?["data"]?["rpcId"], Is.EqualTo("x"));
            Assert.That((string?)json["error"]?["data"]?["correlationId"], Is.EqualTo("s:1"));
        });
    }

    [Test]
    [CancelAfter(5000)]
    public async Task WriteResult_TwoInARow_EachDeliveredWhole(CancellationToken cancellationToken)
    {
        using var sink = new CollectingSink();

        await sink.WriteAloneAsync(0, static (w, _) =>
        {
            w.WriteResult(JsonRpcId.FromNumber(1), """{"a":1}"""u8);
            w.WriteResult(JsonRpcId.FromNumber(2), "{}"u8);
        }, cancellationToken);
        var first = await sink.NextAsync(cancellationToken);
        var second = await sink.NextAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(first.Json, Is.EqualTo("""{"jsonrpc":"2.0","id":1,"result":{"a":1}}"""));
            Assert.That(first.Envelope.Kind, Is.EqualTo(MessageKind.Response));
            Assert.That(second.Json, Is.EqualTo("""{"jsonrpc":"2.0","id":2,"result":{}}"""));
            Assert.That(second.Envelope.Id, Is.EqualTo(JsonRpcId.FromNumber(2)));
        });
    }
}
