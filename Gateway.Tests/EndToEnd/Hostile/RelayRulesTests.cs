using System.Globalization;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Core.Sessions;
using Microsoft.Extensions.DependencyInjection;
using McpGateway.Tests.EndToEnd.Support;
using static McpGateway.Tests.EndToEnd.Hostile.HostileWire;

namespace McpGateway.Tests.EndToEnd.Hostile;

/// <summary>
/// The relay rules of the wire contract, attacked through the TCP listener against an observing upstream: request
/// methods sent as notifications, control characters in identifiers, cancelled ids reused, unsolicited responses,
/// byte-order marks. What reaches the upstream is asserted byte-exact; a ping after the attack proves ordering.
/// </summary>
[TestFixture]
internal sealed class RelayRulesTests
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    [TestCase("""{"jsonrpc":"2.0","method":"tools/call","params":{"name":"delete_everything","arguments":{}}}""")]
    [TestCase("""{"jsonrpc":"2.0","method":"resources/read","params":{"uri":"file:///etc/passwd"}}""")]
    [TestCase("""{"jsonrpc":"2.0","method":"prompts/get","params":{"name":"p"}}""")]
    [TestCase("""{"jsonrpc":"2.0","method":"sampling/createMessage","params":{}}""")]
    [TestCase("""{"jsonrpc":"2.0","method":"tasks/cancel","params":{}}""")]
    [TestCase("""{"jsonrpc":"2.0","method":"mcpgateway/authenticate","params":{"token":"SECRET-MARKER-123"}}""")]
    [TestCase("""{"jsonrpc":"2.0","method":"mcpgateway/anything","params":{}}""")]
    [CancelAfter(10000)]
    public async Task ClientNotification_RequestOrGatewayMethod_NeverReachesUpstream(string notification, CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Echo);
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        var pingId = NewId("ping");

        await client.SendAsync(notification, cancellationToken);
        await client.SendRawAsync(WithNewline(Ping(pingId)), cancellationToken);
        var answer = await client.ReadLineAsync(cancellationToken);

        var upstream = await spy.WaitForLineAsync(Ping(pingId), cancellationToken);
        Assert.Multiple(() =>
        {
            AssertEchoed(answer!, pingId);
            Assert.That(Received(upstream), Is.EqualTo(new[] { Ping(pingId) }), upstream.Describe());
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task UpstreamNotification_RequestMethod_NeverReachesClient(CancellationToken cancellationToken)
    {
        var forged = Utf8("""{"jsonrpc":"2.0","method":"sampling/createMessage","params":{"messages":[],"maxTokens":1}}""");
        await using var spy = SpyUpstream.Start(SpyBehavior.Scripted(line => line.Method == "tools/list" ? [forged, line.EchoResponse()] : []));
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        await client.InitializeAsync(cancellationToken);

        await client.SendAsync("""{"jsonrpc":"2.0","id":"list-1","method":"tools/list"}""", cancellationToken);
        var next = await client.ReadLineAsync(cancellationToken);

        AssertEchoed(next!, "list-1", "tools/list");
    }

    [TestCase("""{"jsonrpc":"2.0","id":"c-1","method":"resources/read","params":{"uri":"file:///tmp/x\u0000.txt"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":"c-1","method":"resources/subscribe","params":{"uri":"file:///tmp/x\u007f.txt"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":"c-1","method":"tools/call","params":{"name":"echo\u0000","arguments":{}}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":"c-1","method":"tools/call","params":{"arguments":{},"name":"ec\u001b[2Jho"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":"c-1","params":{"name":"echo\n"},"method":"tools/call"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":"c-1","method":"prompts/get","params":{"name":"simple\u0085prompt"}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":"c-1","method":"completion/complete","params":{"ref":{"type":"ref/prompt","name":"simple\u0000prompt"},"argument":{"name":"a","value":"b"}}}""")]
    [TestCase("""{"jsonrpc":"2.0","id":"c-1","method":"completion/complete","params":{"argument":{"name":"a","value":"b"},"ref":{"uri":"file:///{x}\u001b[2J","type":"ref/resource"}}}""")]
    [TestCase("{\"jsonrpc\":\"2.0\",\"id\":\"c-1\",\"method\":\"prompts/get\",\"params\":{\"name\":\"simple\u0085prompt\"}}")]
    [CancelAfter(10000)]
    public async Task ClientRequest_ControlCharacterInIdentifier_InvalidParamsNeverForwarded(string request, CancellationToken cancellationToken)
    {
        // The last case carries U+0085 raw, as UTF-8 (C2 85), where no escape gives it away.
        await AssertRefusedAndNeverForwardedAsync(request, -32602, "control_character_in_identifier", "c-1", cancellationToken);
    }

    [TestCase("""{"jsonrpc":"2.0","id":"m-1","method":"tools/li\u0000st"}""")]
    [TestCase("""{"jsonrpc":"2.0","id":"m-1","method":"x-custom\r\nINFO forged log line"}""")]
    [CancelAfter(10000)]
    public async Task ClientRequest_ControlCharacterInMethod_InvalidRequestNeverForwarded(string request, CancellationToken cancellationToken)
    {
        await AssertRefusedAndNeverForwardedAsync(request, -32600, "control_character_in_method", "m-1", cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="request"/> and then a ping to a gateway in front of an echoing spy: the request gets the
    /// gateway's error, and the ping, which follows it on the wire, is all the upstream ever receives.
    /// </summary>
    private static async Task AssertRefusedAndNeverForwardedAsync(string request, int code, string reason, string id, CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Echo);
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        var pingId = NewId("ping");

        await client.SendAsync(request, cancellationToken);
        await client.SendRawAsync(WithNewline(Ping(pingId)), cancellationToken);
        var lines = await ReadLinesAsync(client, 2, cancellationToken);

        var upstream = await spy.WaitForLineAsync(Ping(pingId), cancellationToken);
        AssertGatewayError(lines.Single(l => !IsResponseTo(l, pingId)), code, reason, id);
        Assert.That(Received(upstream), Is.EqualTo(new[] { Ping(pingId) }), upstream.Describe());
    }

    [Test]
    [CancelAfter(10000)]
    public async Task UpstreamNotification_NulInResourceUri_NeverReachesClient(CancellationToken cancellationToken)
    {
        var forged = Utf8("""{"jsonrpc":"2.0","method":"notifications/resources/updated","params":{"uri":"file:///tmp/a\u0000b"}}""");
        await using var spy = SpyUpstream.Start(SpyBehavior.Scripted(line => line.Method == "tools/list" ? [forged, line.EchoResponse()] : []));
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        await client.InitializeAsync(cancellationToken);

        await client.SendAsync("""{"jsonrpc":"2.0","id":"list-1","method":"tools/list"}""", cancellationToken);
        var next = await client.ReadLineAsync(cancellationToken);

        AssertEchoed(next!, "list-1", "tools/list");
    }

    [Test]
    [CancelAfter(15000)]
    public async Task CancelledId_ReusedBeforeUpstreamAnswers_IdInUseAndLateAnswerNeverDelivered(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Hang("ping"));
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        await client.InitializeAsync(cancellationToken);
        var pingId = NewId("ping");

        await client.SendAsync("""{"jsonrpc":"2.0","id":7,"method":"tools/list"}""", cancellationToken);
        var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);
        var list = await upstream.WaitForLineAsync(l => l.Method == "tools/list", cancellationToken);
        await client.SendAsync("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7}}""", cancellationToken);
        await client.SendAsync("""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{}}}""", cancellationToken);
        var refused = await client.ReadLineAsync(cancellationToken);

        // The upstream answers the cancelled tools/list late, with a tool the client must not learn of; then a ping.
        await upstream.SendAsync(list.ResponseWith("""{"tools":[{"name":"hidden_tool","inputSchema":{"type":"object"}}]}"""), cancellationToken);
        await client.SendRawAsync(WithNewline(Ping(pingId)), cancellationToken);
        var next = await client.ReadLineAsync(cancellationToken);

        // The tombstone is gone with the answer: the id is free again.
        await client.SendAsync("""{"jsonrpc":"2.0","id":7,"method":"ping"}""", cancellationToken);
        var reused = await client.ReadLineAsync(cancellationToken);

        AssertGatewayError(refused!, -32600, "id_in_use", null);
        Assert.Multiple(() =>
        {
            Assert.That(Parse(refused!)["error"]?["data"]?["rpcId"]?.GetValue<int>(), Is.EqualTo(7), refused);
            Assert.That(IsResponseTo(next!, pingId), Is.True, $"the late answer must not be delivered; got {next}");
            Assert.That(Parse(reused!)["id"]?.GetValue<int>(), Is.EqualTo(7), reused);
            Assert.That(Parse(reused!)["result"]?["echo"]?.GetValue<string>(), Is.EqualTo("ping"), reused);
            Assert.That(upstream.Traffic.Count(l => l.Method == "tools/call"), Is.Zero, upstream.Describe());
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task UpstreamHangs_RequestTimesOut_UpstreamGetsCancelled(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Hang("ping"));
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port, TimeSpan.FromSeconds(1)));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        await client.InitializeAsync(cancellationToken);

        await client.SendAsync("""{"jsonrpc":"2.0","id":"slow-1","method":"tools/list"}""", cancellationToken);
        var timeout = await client.ReadLineAsync(cancellationToken);
        var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);
        var cancelled = await upstream.WaitForLineAsync(l => l.Method == "notifications/cancelled", cancellationToken);

        AssertGatewayError(timeout!, -31008, "upstream_timeout", "slow-1");
        Assert.That((string?)JsonNode.Parse(cancelled.Bytes)?["params"]?["requestId"], Is.EqualTo("slow-1"), cancelled.Text);
    }

    [Test]
    [CancelAfter(15000)]
    public async Task ClientGone_CallPending_UpstreamGetsCancelled(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Hang("ping"));
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        var client = await gateway.ConnectAsync(null, cancellationToken);
        await client.InitializeAsync(cancellationToken);

        await client.SendAsync("""{"jsonrpc":"2.0","id":"gone-1","method":"tools/call","params":{"name":"slow","arguments":{}}}""", cancellationToken);
        var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);
        await upstream.WaitForLineAsync(l => l.Method == "tools/call", cancellationToken);
        await client.DisposeAsync();
        var cancelled = await upstream.WaitForLineAsync(l => l.Method == "notifications/cancelled", cancellationToken);

        Assert.That((string?)JsonNode.Parse(cancelled.Bytes)?["params"]?["requestId"], Is.EqualTo("gone-1"), cancelled.Text);
    }

    [Test]
    [CancelAfter(15000)]
    public async Task UnsolicitedResponses_OverOneHundred_ErrorThenClosed(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Echo);
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        var pingId = NewId("ping");

        var flood = string.Concat(Enumerable.Range(0, 101).Select(i => $$$"""{"jsonrpc":"2.0","id":"u-{{{i}}}","result":{}}""" + "\n"));
        await client.SendRawAsync(Utf8(flood), cancellationToken);
        await client.SendRawAsync(WithNewline(Ping(pingId)), cancellationToken);
        var error = await client.ReadLineAsync(cancellationToken);
        var closed = await client.IsClosedByGatewayAsync(cancellationToken);

        var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);
        await upstream.Reading.WaitAsync(cancellationToken);
        AssertGatewayError(error!, -32600, "unsolicited_responses", null);
        Assert.Multiple(() =>
        {
            Assert.That(closed, Is.True);
            Assert.That(upstream.Lines, Is.Empty, upstream.Describe());
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task UnsolicitedResponses_OneHundred_ConnectionGoesOn(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Echo);
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        var pingId = NewId("ping");

        var flood = string.Concat(Enumerable.Range(0, 100).Select(i => $$$"""{"jsonrpc":"2.0","id":"u-{{{i}}}","result":{}}""" + "\n"));
        await client.SendRawAsync(Utf8(flood), cancellationToken);
        await client.SendRawAsync(WithNewline(Ping(pingId)), cancellationToken);
        var next = await client.ReadLineAsync(cancellationToken);

        AssertEchoed(next!, pingId);
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Connection_BomBeforeAuthenticate_Stripped(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Echo);
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await RawMcpClient.ConnectAsync(gateway.Endpoint, cancellationToken);
        var pingId = NewId("ping");

        await client.SendRawAsync(Bom, cancellationToken);
        var authenticated = await client.AuthenticateAsync(null, cancellationToken);
        await client.SendRawAsync(WithNewline(Ping(pingId)), cancellationToken);
        var answer = await client.ReadLineAsync(cancellationToken);

        Assert.That(authenticated["result"], Is.Not.Null, authenticated.ToJsonString());
        AssertEchoed(answer!, pingId);
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Connection_BomAfterStart_ParseErrorNeverForwarded(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Echo);
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        var pingId = NewId("ping");

        await client.SendRawAsync([.. Bom, .. WithNewline(Ping("bom")), .. WithNewline(Ping(pingId))], cancellationToken);
        var lines = await ReadLinesAsync(client, 2, cancellationToken);

        var upstream = await spy.WaitForLineAsync(Ping(pingId), cancellationToken);
        AssertGatewayError(lines.Single(l => !IsResponseTo(l, pingId)), -32700, "parse_error", null);
        Assert.That(Received(upstream), Is.EqualTo(new[] { Ping(pingId) }), upstream.Describe());
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Upstream_BomAtStartOfItsOutput_Stripped(CancellationToken cancellationToken)
    {
        var first = true;
        await using var spy = SpyUpstream.Start(SpyBehavior.Scripted(line =>
        {
            if (!line.IsRequest)
            {
                return [];
            }

            var answer = line.EchoResponse();
            var withBom = first ? [.. Bom, .. answer] : answer;
            first = false;
            return [withBom];
        }));
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        await client.InitializeAsync(cancellationToken);

        await client.SendAsync("""{"jsonrpc":"2.0","id":"list-1","method":"tools/list"}""", cancellationToken);
        var answer = await client.ReadLineAsync(cancellationToken);

        AssertEchoed(answer!, "list-1", "tools/list");
    }
    [TestCase("2026-07-28", true)]
    [TestCase("2025-11-25", false)]
    [CancelAfter(10000)]
    public async Task UpstreamRequest_ByNegotiatedVersion_RefusedFrom20260728(string version, bool refused, CancellationToken cancellationToken)
    {
        var rootsList = Utf8("""{"jsonrpc":"2.0","id":"srv-1","method":"roots/list"}""");
        await using var spy = SpyUpstream.Start(SpyBehavior.Scripted(line => line.Method switch
        {
            "initialize" => [line.ResponseWith($$$"""{"protocolVersion":"{{{version}}}","capabilities":{},"serverInfo":{"name":"spy","version":"1"}}""")],
            "tools/list" => [rootsList, line.EchoResponse()],
            _ => [],
        }));
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);

        await client.RequestAsync("init-1", "initialize", new JsonObject { ["protocolVersion"] = version, ["capabilities"] = new JsonObject(), ["clientInfo"] = new JsonObject { ["name"] = "t", ["version"] = "1" } }, cancellationToken);
        await client.SendAsync("""{"jsonrpc":"2.0","id":"list-1","method":"tools/list"}""", cancellationToken);
        var next = await client.ReadLineAsync(cancellationToken);

        if (refused)
        {
            var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);
            var answer = await upstream.WaitForLineAsync(l => l.RawId == "\"srv-1\"", cancellationToken);
            AssertEchoed(next!, "list-1", "tools/list");
            AssertGatewayError(answer.Text, -32601, "unknown_method", "srv-1");
        }
        else
        {
            Assert.That((string?)Parse(next!)["method"], Is.EqualTo("roots/list"), next);
        }
    }
    [Test]
    [CancelAfter(30000)]
    public async Task ClientGone_UpstreamNotReading_SessionStillEnds(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Stall);
        var settings = GatewayHarness.Settings(GatewayHarness.Tcp("spy", spy.Port)) with
        {
            MaxPendingRequests = 1_000_000,
            ConnectionLimits = new ConnectionLimits { IdleTimeout = TimeSpan.FromSeconds(1) },
        };
        await using var gateway = await GatewayHarness.StartAsync(settings, cancellationToken);
        var drain = gateway.Application.Services.GetRequiredService<GatewayDrain>();
        var client = await gateway.ConnectAsync(null, cancellationToken);

        // Pending pings until the upstream's socket is full and the client's writes stall.
        var pad = new string('x', 4000);
        for (var next = 0; next < 100_000; next += 64)
        {
            var chunk = Utf8(string.Concat(Enumerable.Range(next, 64).Select(id => "{\"jsonrpc\":\"2.0\",\"id\":" + id.ToString(CultureInfo.InvariantCulture) + ",\"method\":\"ping\",\"params\":{\"_meta\":{\"pad\":\"" + pad + "\"}}}\n")));
            var write = client.Stream.WriteAsync(chunk, cancellationToken).AsTask();
            if (await Task.WhenAny(write, Task.Delay(1000, cancellationToken)) != write)
            {
                break;
            }
        }

        var sessionsBefore = drain.Sessions;
        client.Stream.Socket.Close();
        await client.DisposeAsync();
        while (drain.Sessions > 0)
        {
            await Task.Delay(50, cancellationToken);
        }

        // The session ended although the upstream never read its cancellations.
        Assert.That(sessionsBefore, Is.EqualTo(1));
    }
    [Test]
    [CancelAfter(10000)]
    public async Task UpstreamCancelledId_ReusedBeforeClientAnswers_IdInUseSentUpstream(CancellationToken cancellationToken)
    {
        var rootsList = Utf8("""{"jsonrpc":"2.0","id":"srv-1","method":"roots/list"}""");
        var cancelled = Utf8("""{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"srv-1"}}""");
        await using var spy = SpyUpstream.Start(SpyBehavior.Scripted(line => line.Method == "tools/list" ? [rootsList, cancelled, rootsList, line.EchoResponse()] : []));
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        await client.InitializeAsync(cancellationToken);

        await client.SendAsync("""{"jsonrpc":"2.0","id":"list-1","method":"tools/list"}""", cancellationToken);
        var lines = await ReadLinesAsync(client, 3, cancellationToken);
        var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);
        var refused = await upstream.WaitForLineAsync(l => l.Text.Contains("id_in_use", StringComparison.Ordinal), cancellationToken);

        AssertGatewayError(refused.Text, -32600, "id_in_use", null);
        Assert.Multiple(() =>
        {
            Assert.That((string?)Parse(refused.Text)["error"]?["data"]?["rpcId"], Is.EqualTo("srv-1"));
            Assert.That(lines.Select(l => (string?)Parse(l)["method"]), Is.EqualTo(new[] { "roots/list", "notifications/cancelled", null }), string.Join(" | ", lines));
        });
    }
}
