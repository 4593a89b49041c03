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
}
