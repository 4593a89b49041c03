using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Sessions;
using NUnit.Framework;
using static McpGateway.Tests.Sessions.SessionFrames;
using McpGateway.Core.Messaging;

namespace McpGateway.Tests.Sessions;

/// <summary>
/// The core spoken to in messages, as the HTTP front door and the HTTP upstream use it: a session started from an
/// identity (no authenticate frame), messages delivered already scanned, every message handed out with its envelope.
/// </summary>
[TestFixture]
internal sealed class MessageSeamTests
{
    [Test]
    [CancelAfter(10000)]
    public async Task AuthenticateAsync_ThenMessagesBothWays_RelayedWithTheirEnvelopesAndNoFrameOnTheWire(CancellationToken cancellationToken)
    {
        var upstream = new MessageUpstream();
        await using var rig = new SessionRig(upstream);
        var client = new CollectingSink();
        var session = new GatewaySession(rig.Runtime, client, "http");
        var start = await session.Handshake.AuthenticateAsync("dev", SessionRig.Connection, cancellationToken);
        var run = session.RunAsync(start, cancellationToken);

        await DeliverAsync(session.Client!, Initialize, cancellationToken);
        var initialize = await upstream.Received.NextAsync(cancellationToken);
        await upstream.SendAsync(InitializeResult, cancellationToken);
        var initialized = await client.NextAsync(cancellationToken);
        session.CompleteClient();
        await run.WaitAsync(cancellationToken);
        await session.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(start.Start?.Identity.Subject, Is.EqualTo("anonymous"));
            Assert.That(start.Start?.Connection.Name, Is.EqualTo(SessionRig.Connection));
            Assert.That(initialize.Json, Is.EqualTo(Initialize));
            Assert.That(initialize.Envelope.Method, Is.EqualTo("initialize"));
            Assert.That(initialize.Envelope.Id, Is.EqualTo(JsonRpcId.FromNumber(1)));
            Assert.That(initialized.Json, Is.EqualTo(InitializeResult), "the client got the upstream's answer first: no authenticate result");
            Assert.That(initialized.Envelope.Kind, Is.EqualTo(MessageKind.Response));
            Assert.That(session.ProtocolVersion, Is.EqualTo("2025-06-18"));
            Assert.That(rig.Recorder.Records, Is.EqualTo(new[] { "session_start", "relayed client->upstream initialize", "relayed upstream->client initialize", "session_end client closed" }));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task DeliverAsync_IdStillPending_RefusalNamesTheRefusedIdWithoutReparsing(CancellationToken cancellationToken)
    {
        var upstream = new MessageUpstream();
        await using var rig = new SessionRig(upstream);
        var (session, client, run) = await StartInitializedAsync(rig, upstream, cancellationToken);

        await DeliverAsync(session.Client!, Call(5), cancellationToken);
        await upstream.Received.NextAsync(cancellationToken);
        await DeliverAsync(session.Client!, Call(5, "other"), cancellationToken);
        var refused = await client.NextAsync(cancellationToken);
        session.CompleteClient();
        await run.WaitAsync(cancellationToken);
        await session.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(refused.Envelope.Kind, Is.EqualTo(MessageKind.ErrorResponse));
            Assert.That(refused.Envelope.Id, Is.EqualTo(JsonRpcId.Null));
            Assert.That(refused.RefusedRpcId, Is.EqualTo(JsonRpcId.FromNumber(5)));
            Assert.That((string?)JsonNode.Parse(refused.Json)!["error"]?["data"]?["reason"], Is.EqualTo("id_in_use"));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task FailRequest_ForwardedCallTwice_ClientGetsOneErrorRecordedOnce(CancellationToken cancellationToken)
    {
        var upstream = new MessageUpstream();
        await using var rig = new SessionRig(upstream);
        var (session, client, run) = await StartInitializedAsync(rig, upstream, cancellationToken);

        await DeliverAsync(session.Client!, Call(9), cancellationToken);
        await upstream.Received.NextAsync(cancellationToken);
        var inlet = await upstream.Inlet;
        var generation = inlet.Forwarding(JsonRpcId.FromNumber(9));
        inlet.FailRequest(JsonRpcId.FromNumber(9), generation, GatewayErrors.UpstreamUnavailable);
        var failed = await client.NextAsync(cancellationToken);
        inlet.FailRequest(JsonRpcId.FromNumber(9), generation, GatewayErrors.UpstreamUnavailable);
        session.CompleteClient();
        await run.WaitAsync(cancellationToken);
        await session.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(failed.Envelope.Kind, Is.EqualTo(MessageKind.ErrorResponse));
            Assert.That(failed.Envelope.Id, Is.EqualTo(JsonRpcId.FromNumber(9)));
            Assert.That((int?)JsonNode.Parse(failed.Json)!["error"]?["code"], Is.EqualTo((int)GatewayErrors.UpstreamUnavailable.Code));
            Assert.That(client.TryNext(out _), Is.False, "the second report found nothing pending");
            Assert.That(rig.Recorder.Records.Count(r => r.StartsWith("generated tools/call", StringComparison.Ordinal)), Is.EqualTo(1));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task AuthenticateAsync_UnknownConnection_RefusedRecordedAndTheRunEnds(CancellationToken cancellationToken)
    {
        await using var rig = new SessionRig(new MessageUpstream());
        var session = new GatewaySession(rig.Runtime, new CollectingSink(), "http");

        var start = await session.Handshake.AuthenticateAsync("dev", "nowhere", cancellationToken);
        await session.RunAsync(start, cancellationToken).WaitAsync(cancellationToken);
        await session.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(start.Start, Is.Null);
            Assert.That(start.Refusal?.Reason, Is.EqualTo("unknown_connection"));
            Assert.That(session.Client, Is.Null);
            Assert.That(rig.Recorder.Records, Is.EqualTo(new[] { "session_refused unknown_connection" }));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task DeliverAsync_InvalidMessage_RecordedInvalidAndAnsweredWithItsId(CancellationToken cancellationToken)
    {
        var upstream = new MessageUpstream();
        await using var rig = new SessionRig(upstream);
        var (session, client, run) = await StartInitializedAsync(rig, upstream, cancellationToken);

        await DeliverAsync(session.Client!, """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"t\uD800"}}""", cancellationToken);
        var answer = await client.NextAsync(cancellationToken);
        session.CompleteClient();
        await run.WaitAsync(cancellationToken);
        await session.DisposeAsync();

        Assert.Multiple(() =>
        {
            Assert.That(answer.Envelope.Kind, Is.EqualTo(MessageKind.ErrorResponse));
            Assert.That(answer.Envelope.Id, Is.EqualTo(JsonRpcId.FromNumber(3)));
            Assert.That(rig.Recorder.Records.Count(r => r.StartsWith("invalid", StringComparison.Ordinal)), Is.EqualTo(1));
            Assert.That(upstream.Received.TryNext(out _), Is.False, "nothing after initialize reached the upstream");
        });
    }

    private static async Task<(GatewaySession Session, CollectingSink Client, Task Run)> StartInitializedAsync(SessionRig rig, MessageUpstream upstream, CancellationToken cancellationToken)
    {
        var client = new CollectingSink();
        var session = new GatewaySession(rig.Runtime, client, "http");
        var start = await session.Handshake.AuthenticateAsync("dev", SessionRig.Connection, cancellationToken);
        var run = session.RunAsync(start, cancellationToken);
        await DeliverAsync(session.Client!, Initialize, cancellationToken);
        await upstream.Received.NextAsync(cancellationToken);
        await upstream.SendAsync(InitializeResult, cancellationToken);
        await client.NextAsync(cancellationToken);
        await DeliverAsync(session.Client!, Initialized, cancellationToken);
        await upstream.Received.NextAsync(cancellationToken);
        return (session, client, run);
    }

    /// <summary>As an adapter does: one scan, then the message and its envelope.</summary>
    private static async Task DeliverAsync(ISessionInlet inlet, string json, CancellationToken cancellationToken)
    {
        var payload = new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json));
        var invalid = new EnvelopeScanner(FrameLimits.Default).Scan(payload, out var envelope);
        Assert.That(await inlet.DeliverAsync(payload, envelope, invalid, cancellationToken), Is.True);
    }
}
