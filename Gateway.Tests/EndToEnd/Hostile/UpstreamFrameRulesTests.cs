using McpGateway.Core.Framing;
using McpGateway.Tests.EndToEnd.Support;
using static McpGateway.Tests.EndToEnd.Hostile.HostileWire;

namespace McpGateway.Tests.EndToEnd.Hostile;

/// <summary>
/// The parsing rule from the upstream side: a broken frame never reaches the client; a broken response fails the
/// call it answers with -31010; an upstream request for a method no MCP version defines gets -32601 back.
/// </summary>
[TestFixture]
internal sealed class UpstreamFrameRulesTests
{
    [Test]
    [CancelAfter(10000)]
    public async Task UpstreamFrames_InvalidOrUnsolicited_DroppedAndSessionContinues(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Scripted(line => line.Method switch
        {
            "tools/list" =>
            [
                Utf8("this is not JSON"),
                Utf8("""{"jsonrpc":"2.0","id":"nobody-asked","result":{}}"""),
                Utf8("""{"jsonrpc":"2.0","id":424242,"error":{"code":-32000,"message":"nobody asked"}}"""),
                [.. Utf8("""{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"""), (byte)'"', 0xC0, 0xAF, .. Utf8("\"}}")],
                Utf8("""[{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"batch"}}]"""),
                Utf8("""{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"a","data":"b"}}"""),
                line.EchoResponse(),
            ],
            "ping" => [line.EchoResponse()],
            _ => [],
        }));
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        await client.InitializeAsync(cancellationToken);
        var pingId = NewId("ping");

        await client.SendAsync("""{"jsonrpc":"2.0","id":"list-1","method":"tools/list"}""", cancellationToken);
        var first = await client.ReadLineAsync(cancellationToken);
        await client.SendRawAsync(WithNewline(Ping(pingId)), cancellationToken);
        var second = await client.ReadLineAsync(cancellationToken);

        var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);
        AssertEchoed(first!, "list-1", "tools/list");
        AssertEchoed(second!, pingId);
        Assert.That(upstream.Traffic.Select(l => l.Method), Is.EqualTo(new[] { "tools/list", "ping" }), "dropped frames get no reply upstream either");
    }

    [Test]
    [CancelAfter(10000)]
    public async Task UpstreamResponse_DuplicateMember_ClientGetsProtocolViolationForThatId(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Scripted(line => line.Method switch
        {
            "tools/list" => [line.ResponseWith("""{"tools":[],"Tools":[{"name":"%M%"}]}""".Replace("%M%", Marker, StringComparison.Ordinal))],
            "ping" => [line.EchoResponse()],
            _ => [],
        }));
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        await client.InitializeAsync(cancellationToken);

        await client.SendAsync("""{"jsonrpc":"2.0","id":"list-2","method":"tools/list"}""", cancellationToken);
        var violation = await client.ReadLineAsync(cancellationToken);
        var pong = await client.RequestAsync("after-violation", "ping", null, cancellationToken);

        AssertGatewayError(violation!, -31010, "upstream_protocol_violation", "list-2");
        Assert.That((string?)pong["result"]?["echo"], Is.EqualTo("ping"), pong.ToJsonString());
    }

    [Test]
    [CancelAfter(10000)]
    public async Task UpstreamErrorResponse_UnpairedSurrogate_ClientGetsProtocolViolationForThatId(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Scripted(line => line.Method switch
        {
            "tools/list" => [Utf8("""{"jsonrpc":"2.0","id":%I%,"error":{"code":-32000,"message":"\uD800"}}""".Replace("%I%", line.RawId, StringComparison.Ordinal))],
            _ => [],
        }));
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        await client.InitializeAsync(cancellationToken);

        await client.SendAsync("""{"jsonrpc":"2.0","id":7,"method":"tools/list"}""", cancellationToken);
        var violation = await client.ReadLineAsync(cancellationToken);

        AssertGatewayError(violation!, -31010, "upstream_protocol_violation", 7);
    }

    [Test]
    [CancelAfter(10000)]
    public async Task UpstreamRequest_UnknownMethod_MethodNotFoundSentUpstreamAndClientSeesNothing(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Scripted(line => line.Method switch
        {
            "tools/list" => [Utf8("""{"jsonrpc":"2.0","id":"srv-1","method":"bogus/method","params":{"m":"%M%"}}""".Replace("%M%", Marker, StringComparison.Ordinal)), line.EchoResponse()],
            _ => [],
        }));
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        await client.InitializeAsync(cancellationToken);

        await client.SendAsync("""{"jsonrpc":"2.0","id":"list-3","method":"tools/list"}""", cancellationToken);
        var first = await client.ReadLineAsync(cancellationToken);

        var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);
        var reply = await upstream.WaitForLineAsync(l => l.RawId == "\"srv-1\"", cancellationToken);
        AssertEchoed(first!, "list-3", "tools/list");
        AssertGatewayError(reply.Text, -32601, "unknown_method", "srv-1");
    }

    [Test]
    [CancelAfter(10000)]
    public async Task UpstreamFrame_OverUpstreamSizeLimit_PendingCallFailsOnceAndSessionEnds(CancellationToken cancellationToken)
    {
        var huge = Utf8("""{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":""" + $"\"{new string('x', 200_000)}\"}}}}");
        await using var spy = SpyUpstream.Start(SpyBehavior.Scripted(line => line.Method switch
        {
            "tools/list" => [huge, line.EchoResponse()],
            _ => [],
        }));
        var settings = GatewayHarness.Settings(GatewayHarness.Tcp("spy", spy.Port)) with { UpstreamLimits = new FrameLimits(64 * 1024) };
        await using var gateway = await GatewayHarness.StartAsync(settings, cancellationToken);
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        await client.InitializeAsync(cancellationToken);

        await client.SendAsync("""{"jsonrpc":"2.0","id":"list-4","method":"tools/list"}""", cancellationToken);
        var first = await client.ReadLineAsync(cancellationToken);
        var rest = new List<string>();
        while (await client.ReadLineAsync(cancellationToken) is { } line)
        {
            rest.Add(line);
        }

        AssertGatewayError(first!, -31010, "upstream_frame_too_large", "list-4");
        Assert.That(rest, Is.Empty, "the call fails once, then the session ends");
    }

    [Test]
    [CancelAfter(10000)]
    public async Task ClientResponse_DuplicateMember_UpstreamGetsAnErrorInItsPlace(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Scripted(line => line.Method switch
        {
            "tools/call" => [Utf8("""{"jsonrpc":"2.0","id":"srv-2","method":"roots/list"}""")],
            _ => [],
        }));
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        await client.InitializeAsync(cancellationToken);

        await client.SendAsync("""{"jsonrpc":"2.0","id":"call-1","method":"tools/call","params":{"name":"get-roots-list"}}""", cancellationToken);
        var serverRequest = await client.ReadLineAsync(cancellationToken);
        await client.SendAsync("""{"jsonrpc":"2.0","id":"srv-2","result":{"roots":[]},"result":{"roots":[]}}""", cancellationToken);
        var refusal = await client.ReadLineAsync(cancellationToken);

        var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);
        var reply = await upstream.WaitForLineAsync(l => l.RawId == "\"srv-2\"", cancellationToken);
        Assert.That(serverRequest, Does.Contain("roots/list"));
        AssertGatewayError(refusal!, -32600, "duplicate_member", "srv-2");
        AssertGatewayError(reply.Text, -32600, "client_protocol_violation", "srv-2");
    }
}
