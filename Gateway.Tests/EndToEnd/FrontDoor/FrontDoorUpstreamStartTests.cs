using System.Net;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Tests.Upstreams;
using Microsoft.AspNetCore.Http;

namespace McpGateway.Tests.EndToEnd.FrontDoor;

/// <summary>
/// The front door when a connection's stdio server cannot start (its command does not exist) or exits as soon as it
/// starts ("Cannot find module", a missing setting): <c>502</c> with the <c>-31007</c> error, as the wire contract says,
/// and no session for the client to keep using. That is the gateway's own answer only: a server that answers
/// <c>initialize</c> with a <c>-31007</c> of its own is relayed like any other error of its own.
/// </summary>
[TestFixture]
internal sealed class FrontDoorUpstreamStartTests
{
    private const string ServerError = "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-31007,\"message\":\"the server's own error\"}}";

    private FrontDoorRig _rig = null!;
    private ScriptedHttpUpstream _refusing = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        _refusing = await ScriptedHttpUpstream.StartAsync(timeout.Token);
        _refusing.Handler = async (context, seen) =>
        {
            if (!seen.Body.Contains("\"initialize\"", StringComparison.Ordinal))
            {
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(ServerError, context.RequestAborted);
        };
        _rig = await FrontDoorRig.StartAsync(
            null,
            timeout.Token,
            new StdioConnectionSettings { Name = "missing", Command = "/nonexistent/mcp-server" },
            new StdioConnectionSettings { Name = "crashing", Command = "node", Args = ["-e", "console.error('Cannot find module server.js'); process.exit(1)"] },
            new HttpConnectionSettings { Name = "refusing", Url = _refusing.Url });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _rig.DisposeAsync();
        await _refusing.DisposeAsync();
    }

    [TestCase("missing")]
    [TestCase("crashing")]
    [CancelAfter(30000)]
    public async Task Initialize_StdioServerCannotStart_Answers502WithUpstreamUnavailableAndNoSession(string connection, CancellationToken cancellationToken)
    {
        var token = await _rig.TokenAsync(cancellationToken);
        using var request = FrontDoorRig.Post(_rig.Url(connection), FrontDoorRig.Initialize(), token);

        using var response = await _rig.Http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadGateway), body);
            Assert.That(JsonNode.Parse(body)?["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-31007), body);
            Assert.That(response.Headers.Contains("Mcp-Session-Id"), Is.False, "no session to come back to");
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Initialize_ServerAnswersWithItsOwn31007_RelayedAsItsAnswerWithTheSession(CancellationToken cancellationToken)
    {
        var token = await _rig.TokenAsync(cancellationToken);
        using var request = FrontDoorRig.Post(_rig.Url("refusing"), FrontDoorRig.Initialize(), token);

        using var response = await _rig.Http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the gateway did not fail to start the server: " + body);
            Assert.That(JsonNode.Parse(body)?["error"]?["message"]?.GetValue<string>(), Is.EqualTo("the server's own error"), body);
            Assert.That(response.Headers.Contains("Mcp-Session-Id"), Is.True, "the session stays the client's to end");
        });
    }
}
