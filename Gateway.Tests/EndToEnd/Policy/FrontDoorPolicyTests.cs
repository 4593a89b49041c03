using System.Text.Json;
using McpGateway.Tests.EndToEnd.FrontDoor;
using McpGateway.Tests.Infrastructure;
using ModelContextProtocol;
using ModelContextProtocol.Client;

namespace McpGateway.Tests.EndToEnd.Policy;

/// <summary>
/// The policy's argument rules and its answer for nonexistent tools through the HTTP front door: an unmodified HTTP
/// MCP client (the C# SDK, with a real OIDC token) against server-everything over stdio.
/// </summary>
[TestFixture]
internal sealed class FrontDoorPolicyTests
{
    private const string Connection = "everything";

    private ConfiguredFrontDoor _frontDoor = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        _frontDoor = await ConfiguredFrontDoor.StartAsync(
            Connection,
            $$"""{ "transport": "stdio", "command": "node", "args": [ {{JsonSerializer.Serialize(RepoPaths.ServerEverythingJs)}}, "stdio" ] }""",
            timeout.Token,
            extraRules: """
                { "id": "no-prod", "action": "block", "match": { "tools": [ "echo" ], "arguments": { "message.target": { "regex": "^prod$" } } } },
                { "id": "no-big-sums", "action": "block", "match": { "tools": [ "get-sum" ], "arguments": { "a": { "regex": "^[0-9]{6,}$" } } } },
                """);
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _frontDoor.DisposeAsync();

    [Test]
    [CancelAfter(40000)]
    public async Task CallTool_BlockedValueInAnotherSpelling_RefusedOverHttp(CancellationToken cancellationToken)
    {
        await using var client = await McpClient.CreateAsync(_frontDoor.CSharpTransport(), cancellationToken: cancellationToken);

        var asString = Assert.ThrowsAsync<McpProtocolException>(() => client.CallToolAsync(
            "echo", new Dictionary<string, object?> { ["message"] = "{\"target\":\"prod\"}" }, cancellationToken: cancellationToken).AsTask());
        var asExponent = Assert.ThrowsAsync<McpProtocolException>(() => client.CallToolAsync(
            "get-sum", new Dictionary<string, object?> { ["a"] = JsonDocument.Parse("1e6").RootElement, ["b"] = 1 }, cancellationToken: cancellationToken).AsTask());
        var allowed = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "{\"target\":\"staging\"}" }, cancellationToken: cancellationToken);

        Assert.That((int?)asString?.ErrorCode, Is.EqualTo(-31003));
        Assert.That((int?)asExponent?.ErrorCode, Is.EqualTo(-31003));
        Assert.That(allowed.IsError, Is.Not.True);
    }

    [Test]
    [CancelAfter(40000)]
    public async Task CallTool_NonexistentToolAfterListing_AnsweredLikeAHiddenToolOverHttp(CancellationToken cancellationToken)
    {
        await using var client = await McpClient.CreateAsync(_frontDoor.CSharpTransport(), cancellationToken: cancellationToken);
        await client.ListToolsAsync(cancellationToken: cancellationToken);

        var refused = Assert.ThrowsAsync<McpProtocolException>(() => client.CallToolAsync(
            "no-such-tool", new Dictionary<string, object?>(), cancellationToken: cancellationToken).AsTask());

        Assert.That((int?)refused?.ErrorCode, Is.EqualTo(-31003));
        Assert.That(refused?.Message, Does.Contain("not allowed by policy").And.Not.Contain("no-such-tool"));
    }
}
