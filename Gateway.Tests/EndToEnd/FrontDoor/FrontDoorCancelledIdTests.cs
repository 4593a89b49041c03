using System.Net;
using System.Text.Json.Nodes;
using McpGateway.Tests.EndToEnd.Hostile;
using McpGateway.Tests.EndToEnd.Support;

namespace McpGateway.Tests.EndToEnd.FrontDoor;

/// <summary>
/// A client that aborts a POST cancels its request; the id stays taken until the upstream answers, so a request
/// reusing it on the same session is refused (id_in_use) instead of being given the cancelled request's answer.
/// </summary>
[TestFixture]
internal sealed class FrontDoorCancelledIdTests
{
    private const string Spy = "spy";

    [Test]
    [CancelAfter(20000)]
    public async Task Post_AbortedThenIdReused_IdInUseAndLateAnswerNeverDelivered(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Scripted(line => line.Method switch
        {
            "tools/list" => [],
            _ when line.IsRequest => [line.EchoResponse()],
            _ => [],
        }));
        await using var rig = await FrontDoorRig.StartAsync(null, cancellationToken, GatewayHarness.Tcp(Spy, spy.Port));
        var token = await rig.TokenAsync(cancellationToken);
        var url = rig.Url(Spy);
        using var initialized = await rig.Http.SendAsync(FrontDoorRig.Post(url, FrontDoorRig.Initialize(), token), cancellationToken);
        var session = initialized.Headers.GetValues("Mcp-Session-Id").Single();

        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var listing = rig.Http.SendAsync(FrontDoorRig.Post(url, """{"jsonrpc":"2.0","id":7,"method":"tools/list"}""", token, session), abort.Token);
        var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);
        var list = await upstream.WaitForLineAsync(l => l.Method == "tools/list", cancellationToken);
        await abort.CancelAsync();
        Assert.CatchAsync<OperationCanceledException>(() => listing);
        await upstream.WaitForLineAsync(l => l.Method == "notifications/cancelled", cancellationToken);

        using var reused = await rig.Http.SendAsync(FrontDoorRig.Post(url, """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{}}}""", token, session), cancellationToken);
        var body = await reused.Content.ReadAsStringAsync(cancellationToken);
        await upstream.SendAsync(list.ResponseWith("""{"tools":[{"name":"hidden_tool","inputSchema":{"type":"object"}}]}"""), cancellationToken);
        using var ping = await rig.Http.SendAsync(FrontDoorRig.Post(url, """{"jsonrpc":"2.0","id":8,"method":"ping"}""", token, session), cancellationToken);
        var pong = await ping.Content.ReadAsStringAsync(cancellationToken);

        var error = JsonNode.Parse(body)!["error"];
        Assert.Multiple(() =>
        {
            Assert.That(reused.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
            Assert.That((string?)error?["data"]?["reason"], Is.EqualTo("id_in_use"), body);
            Assert.That(error?["data"]?["rpcId"]?.GetValue<int>(), Is.EqualTo(7), body);
            Assert.That(body, Does.Not.Contain("hidden_tool"));
            Assert.That(pong, Does.Contain("\"echo\":\"ping\"").And.Not.Contain("hidden_tool"));
            Assert.That(upstream.Lines.Count(l => l.Method == "tools/call"), Is.Zero, upstream.Describe());
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Stateless_CancellationNamingAnotherClientsRequestNumber_DroppedAndTheCallGoesOn(CancellationToken cancellationToken)
    {
        // Two clients share one token, so one stateless session. The front door renumbers their requests; a cancellation
        // that names none of the sender's own requests must not be relayed with the front door's number of another's.
        await using var spy = SpyUpstream.Start(SpyBehavior.Scripted(line => line.Method switch
        {
            "tools/call" => [],
            _ when line.IsRequest => [line.EchoResponse()],
            _ => [],
        }));
        await using var rig = await FrontDoorRig.StartAsync(null, cancellationToken, GatewayHarness.Tcp(Spy, spy.Port));
        var token = await rig.TokenAsync(cancellationToken);
        var url = rig.Url(Spy);

        var victim = rig.Http.SendAsync(Stateless(url, token, "tools/call", """{"jsonrpc":"2.0","id":"a-1","method":"tools/call","params":{"name":"slow","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""", "slow"), cancellationToken);
        var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);
        var held = await upstream.WaitForLineAsync(l => l.Method == "tools/call", cancellationToken);
        using var cancel = await rig.Http.SendAsync(Stateless(url, token, "notifications/cancelled", """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":""" + held.RawId + ""","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"""), cancellationToken);
        using var probe = await rig.Http.SendAsync(Stateless(url, token, "server/discover", """{"jsonrpc":"2.0","id":"p-1","method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"""), cancellationToken);
        await upstream.WaitForLineAsync(l => l.Method == "server/discover", cancellationToken);
        await upstream.SendAsync(held.ResponseWith("""{"content":[{"type":"text","text":"done"}]}"""), cancellationToken);
        using var answered = await victim;
        var body = await answered.Content.ReadAsStringAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(cancel.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(upstream.Lines.Count(l => l.Method == "notifications/cancelled"), Is.Zero, upstream.Describe());
            Assert.That((string?)JsonNode.Parse(body)?["id"], Is.EqualTo("a-1"), body);
            Assert.That(body, Does.Contain("done"));
        });
    }

    private static HttpRequestMessage Stateless(Uri url, string token, string method, string body, string? name = null)
    {
        var request = FrontDoorRig.Post(url, body, token);
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", method);
        if (name is not null)
        {
            request.Headers.Add("Mcp-Name", name);
        }

        return request;
    }
}
