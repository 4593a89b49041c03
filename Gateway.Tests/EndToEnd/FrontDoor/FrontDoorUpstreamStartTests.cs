using System.Net;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;

namespace McpGateway.Tests.EndToEnd.FrontDoor;

/// <summary>
/// The front door when a connection's stdio server cannot start (its command does not exist) or exits as soon as it
/// starts ("Cannot find module", a missing setting): <c>502</c> with the <c>-31007</c> error, as the wire contract says,
/// and no session for the client to keep using.
/// </summary>
[TestFixture]
internal sealed class FrontDoorUpstreamStartTests
{
    private FrontDoorRig _rig = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        _rig = await FrontDoorRig.StartAsync(
            null,
            timeout.Token,
            new StdioConnectionSettings { Name = "missing", Command = "/nonexistent/mcp-server" },
            new StdioConnectionSettings { Name = "crashing", Command = "node", Args = ["-e", "console.error('Cannot find module server.js'); process.exit(1)"] });
    }

    [OneTimeTearDown]
    public async Task Stop() => await _rig.DisposeAsync();

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
}
