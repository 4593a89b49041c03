using System.Net.Sockets;
using McpGateway.Tests.EndToEnd.Support;
using static McpGateway.Tests.EndToEnd.Hostile.HostileWire;

namespace McpGateway.Tests.EndToEnd.Hostile;

/// <summary>The rules that span frames: an id may not be reused while pending, and an unterminated final frame never runs.</summary>
[TestFixture]
internal sealed class ClientSessionRulesTests
{
    private const string ToolsList = """{"jsonrpc":"2.0","id":"dup-1","method":"tools/list"}""";

    [Test]
    [CancelAfter(10000)]
    public async Task Request_IdStillPending_IdInUseAndForwardedOnce(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Hang("ping"));
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        await client.InitializeAsync(cancellationToken);
        var pingId = NewId("ping");

        await client.SendAsync(ToolsList, cancellationToken);
        var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);
        await upstream.WaitForTrafficCountAsync(1, cancellationToken);
        await client.SendAsync(ToolsList.Replace("tools/list", "prompts/list", StringComparison.Ordinal), cancellationToken);
        await client.SendRawAsync(WithNewline(Ping(pingId)), cancellationToken);
        var lines = await ReadLinesAsync(client, 2, cancellationToken);

        await upstream.WaitForLineAsync(l => l.Bytes.AsSpan().SequenceEqual(Ping(pingId)), cancellationToken);
        var refused = lines.Single(l => !IsResponseTo(l, pingId));
        AssertGatewayError(refused, -32600, "id_in_use", null);
        Assert.Multiple(() =>
        {
            Assert.That((string?)Parse(refused)["error"]?["data"]?["rpcId"], Is.EqualTo("dup-1"), refused);
            Assert.That(Received(upstream), Is.EqualTo(new[] { Utf8(ToolsList), Ping(pingId) }), upstream.Describe());
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Request_IdReusedAfterResponse_ForwardedAgain(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Echo);
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        await client.InitializeAsync(cancellationToken);

        await client.SendAsync(ToolsList, cancellationToken);
        var first = await client.ReadLineAsync(cancellationToken);
        await client.SendAsync(ToolsList, cancellationToken);
        var second = await client.ReadLineAsync(cancellationToken);

        var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);
        AssertEchoed(first!, "dup-1", "tools/list");
        AssertEchoed(second!, "dup-1", "tools/list");
        Assert.That(Received(upstream), Is.EqualTo(new[] { Utf8(ToolsList), Utf8(ToolsList) }));
    }

    [Test]
    [CancelAfter(10000)]
    public async Task UnterminatedFinalFrame_ClientShutsDownSend_NeverForwarded(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Echo);
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);

        await client.SendRawAsync(Ping("unterminated"), cancellationToken);
        client.Stream.Socket.Shutdown(SocketShutdown.Send);
        var closed = await client.IsClosedByGatewayAsync(cancellationToken);

        var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);
        await upstream.Reading.WaitAsync(cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(closed, Is.True);
            Assert.That(upstream.Lines, Is.Empty, upstream.Describe());
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task UnterminatedFinalFrame_AfterTerminatedPing_OnlyPingForwarded(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Echo);
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        var pingId = NewId("ping");

        await client.SendRawAsync([.. WithNewline(Ping(pingId)), .. Utf8("""{"jsonrpc":"2.0","id":"unterminated","method":"tools/call","params":{"name":"x"}}""")], cancellationToken);
        client.Stream.Socket.Shutdown(SocketShutdown.Send);
        var closed = await client.IsClosedByGatewayAsync(cancellationToken);

        var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);
        await upstream.Reading.WaitAsync(cancellationToken);
        Assert.Multiple(() =>
        {
            Assert.That(closed, Is.True);
            // The ping may still be pending when the client goes: then the upstream hears it was cancelled.
            Assert.That(upstream.Lines.Where(l => l.Method != "notifications/cancelled").Select(l => l.Bytes), Is.EqualTo(new[] { Ping(pingId) }), upstream.Describe());
        });
    }
}
