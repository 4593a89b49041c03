using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using McpGateway.Core.Sessions;
using McpGateway.Tests.EndToEnd.Hostile;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Tests.EndToEnd.FrontDoor;

/// <summary>
/// Through the HTTP front door, a call the gateway timed out (-31008 as the POST's answer) keeps its id taken on its
/// session, like an aborted POST: a POST reusing the id gets id_in_use, and the TCP upstream's late answer to the first
/// call is dropped, never the answer of a later POST. The gateway's clock is a manual one: the timeout is a test step.
/// </summary>
[TestFixture]
internal sealed class FrontDoorTimedOutIdTests
{
    private const string Spy = "spy";

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    [Test]
    [CancelAfter(30000)]
    public async Task Post_TimedOutThenIdReused_IdInUseAndLateAnswerNeverDelivered(CancellationToken cancellationToken)
    {
        var clock = new ManualTimeProvider();
        await using var spy = SpyUpstream.Start(SpyBehavior.Scripted(line => line.Method switch
        {
            "tools/call" => [],
            _ when line.IsRequest => [line.EchoResponse()],
            _ => [],
        }));
        await using var rig = await FrontDoorRig.StartAsync(null, services => services.AddSingleton<TimeProvider>(clock), cancellationToken, GatewayHarness.Tcp(Spy, spy.Port, RequestTimeout));
        var token = await rig.TokenAsync(cancellationToken);

        // The provider stamps the token with the real time, after the manual clock started: without this, a token issued
        // in a later second than the clock's start would not be valid yet (the rig allows no clock skew).
        clock.Advance(DateTimeOffset.UtcNow - clock.GetUtcNow());
        var url = rig.Url(Spy);
        using var initialized = await rig.Http.SendAsync(FrontDoorRig.Post(url, FrontDoorRig.Initialize(), token), cancellationToken);
        Assert.That(initialized.Headers.Contains("Mcp-Session-Id"), Is.True, await initialized.Content.ReadAsStringAsync(cancellationToken));
        var session = initialized.Headers.GetValues("Mcp-Session-Id").Single();

        var calling = rig.Http.SendAsync(FrontDoorRig.Post(url, """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"slow","arguments":{}}}""", token, session), cancellationToken);
        var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);
        var call = await upstream.WaitForLineAsync(l => l.Method == "tools/call", cancellationToken);
        clock.Advance(RequestTimeout + SessionSweeper.Interval);
        using var timedOut = await calling;
        var timedOutBody = await timedOut.Content.ReadAsStringAsync(cancellationToken);
        await upstream.WaitForLineAsync(l => l.Method == "notifications/cancelled", cancellationToken);

        using var reused = await rig.Http.SendAsync(FrontDoorRig.Post(url, """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{}}}""", token, session), cancellationToken);
        var reusedBody = await reused.Content.ReadAsStringAsync(cancellationToken);
        await upstream.SendAsync(call.ResponseWith("""{"content":[{"type":"text","text":"first call, late"}]}"""), cancellationToken);
        using var ping = await rig.Http.SendAsync(FrontDoorRig.Post(url, """{"jsonrpc":"2.0","id":8,"method":"ping"}""", token, session), cancellationToken);
        var pong = await ping.Content.ReadAsStringAsync(cancellationToken);
        using var again = await rig.Http.SendAsync(FrontDoorRig.Post(url, """{"jsonrpc":"2.0","id":7,"method":"ping"}""", token, session), cancellationToken);
        var againBody = await again.Content.ReadAsStringAsync(cancellationToken);

        // Ends the session here: a drain would wait on the manual clock.
        using var delete = new HttpRequestMessage(HttpMethod.Delete, url);
        delete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        delete.Headers.Add("Mcp-Session-Id", session);
        using var deleted = await rig.Http.SendAsync(delete, cancellationToken);
        await upstream.Reading.WaitAsync(cancellationToken);

        var error = Message(reusedBody)["error"];
        Assert.Multiple(() =>
        {
            Assert.That(Message(timedOutBody)["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-31008), timedOutBody);
            Assert.That(reused.StatusCode, Is.EqualTo(HttpStatusCode.OK), reusedBody);
            Assert.That((string?)error?["data"]?["reason"], Is.EqualTo("id_in_use"), reusedBody);
            Assert.That(error?["data"]?["rpcId"]?.GetValue<int>(), Is.EqualTo(7), reusedBody);
            Assert.That(pong, Does.Contain("\"echo\":\"ping\"").And.Not.Contain("first call, late"));
            Assert.That(Message(againBody)["id"]?.GetValue<int>(), Is.EqualTo(7), againBody);
            Assert.That(againBody, Does.Contain("\"echo\":\"ping\"").And.Not.Contain("first call, late"));
            Assert.That(upstream.Lines.Count(l => l.Method == "tools/call"), Is.EqualTo(1), upstream.Describe());
        });
    }

    /// <summary>A POST's one answer, whether the front door sent it as JSON or as the one event of a stream.</summary>
    private static JsonObject Message(string body)
    {
        var data = body.Split('\n').FirstOrDefault(l => l.StartsWith("data:", StringComparison.Ordinal));
        return JsonNode.Parse(data is null ? body : data["data:".Length..])!.AsObject();
    }
}
