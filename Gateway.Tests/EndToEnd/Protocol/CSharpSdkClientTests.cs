// Sampling and roots are deprecated as of 2026-07-28 (SEP-2577) but are how 2025-11-25 sessions work, which is what
// server-everything negotiates; these tests exercise exactly that era.
#pragma warning disable MCP9005

using System.Text.Json;
using System.Text.Json.Nodes;
using McpGateway.Tests.EndToEnd.Support;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace McpGateway.Tests.EndToEnd.Protocol;

/// <summary>
/// The official C# SDK (2.3.1) as the agent, server-everything over stdio as the upstream. The SDK opens with
/// <c>server/discover</c> (2026-07-28); the upstream does not know it, answers -32601 through the gateway, and the
/// SDK falls back to <c>initialize</c>. Server-to-client requests (sampling, roots, elicitation) use the server's
/// own id space and must reach the SDK's handlers.
/// </summary>
[TestFixture]
internal sealed class CSharpSdkClientTests
{
    private const string Connection = "everything";

    private GatewayHarness _gateway = null!;

    [OneTimeSetUp]
    public async Task StartGatewayAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _gateway = await GatewayHarness.StartAsync(timeout.Token, GatewayHarness.Everything(Connection));
    }

    [OneTimeTearDown]
    public async Task StopGatewayAsync() => await _gateway.DisposeAsync();

    [Test]
    [CancelAfter(15000)]
    public async Task CreateAsync_DiscoverProbeUnknownToUpstream_FallsBackToInitialize20251125(CancellationToken cancellationToken)
    {
        await using var sdk = await GatewaySdkClient.ConnectAsync(_gateway.Endpoint, Connection, cancellationToken);

        var ping = await sdk.Client.PingAsync(cancellationToken: cancellationToken);

        var sent = sdk.Wire.WrittenLines.Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
        var received = sdk.Wire.ReadLines.Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
        var discover = sent.First();
        var discoverAnswer = received.Single(r => !r.ContainsKey("method") && JsonNode.DeepEquals(r["id"], discover["id"]));
        Assert.Multiple(() =>
        {
            Assert.That(sent.Select(m => m["method"]?.GetValue<string>()).Take(3), Is.EqualTo(new[] { "server/discover", "initialize", "notifications/initialized" }));
            Assert.That(discoverAnswer["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-32601));
            Assert.That(discoverAnswer["error"]?["data"]?["reason"], Is.Null, "the upstream's own -32601, not a gateway refusal");
            Assert.That(sdk.Client.NegotiatedProtocolVersion, Is.EqualTo("2025-11-25"));
            Assert.That(sdk.Client.ServerInfo?.Name, Is.EqualTo("mcp-servers/everything"));
            Assert.That(sdk.Authentication["connection"]!.GetValue<string>(), Is.EqualTo(Connection));
            Assert.That(ping, Is.Not.Null);
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task ListToolsAsync_ThroughGateway_ListsServerTools(CancellationToken cancellationToken)
    {
        await using var sdk = await GatewaySdkClient.ConnectAsync(_gateway.Endpoint, Connection, cancellationToken);

        var tools = await sdk.Client.ListToolsAsync(cancellationToken: cancellationToken);

        Assert.That(tools.Select(t => t.Name), Is.SupersetOf(new[] { "echo", "get-sum", "get-env", "trigger-long-running-operation" }));
    }

    [Test]
    [CancelAfter(15000)]
    public async Task CallToolAsync_EchoAndGetSum_ReturnServerResults(CancellationToken cancellationToken)
    {
        await using var sdk = await GatewaySdkClient.ConnectAsync(_gateway.Endpoint, Connection, cancellationToken);

        var echo = await sdk.Client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = "hello from C#" }, cancellationToken: cancellationToken);
        var sum = await sdk.Client.CallToolAsync("get-sum", new Dictionary<string, object?> { ["a"] = 2, ["b"] = 40 }, cancellationToken: cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(Text(echo), Is.EqualTo("Echo: hello from C#"));
            Assert.That(Text(sum), Is.EqualTo("The sum of 2 and 40 is 42."));
            Assert.That(echo.IsError, Is.Not.True);
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task CallToolAsync_TriggerSamplingRequest_SamplingHandlerAnswersServer(CancellationToken cancellationToken)
    {
        var requests = new List<CreateMessageRequestParams>();
        var options = new McpClientOptions
        {
            Capabilities = new ClientCapabilities { Sampling = new SamplingCapability() },
            Handlers = new McpClientHandlers
            {
                SamplingHandler = (request, _, _) =>
                {
                    lock (requests)
                    {
                        requests.Add(request!);
                    }

                    return ValueTask.FromResult(new CreateMessageResult
                    {
                        Role = Role.Assistant,
                        Model = "stub-model",
                        StopReason = "endTurn",
                        Content = [new TextContentBlock { Text = "sampled by the C# SDK" }],
                    });
                },
            },
        };
        await using var sdk = await GatewaySdkClient.ConnectAsync(_gateway.Endpoint, Connection, cancellationToken, options);

        var result = await sdk.Client.CallToolAsync("trigger-sampling-request", new Dictionary<string, object?> { ["prompt"] = "hi", ["maxTokens"] = 10 }, cancellationToken: cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(requests.Select(r => r.MaxTokens), Is.EqualTo(new[] { 10 }));
            Assert.That(result.IsError, Is.Not.True);
            Assert.That(Text(result), Does.StartWith("LLM sampling result:").And.Contains("sampled by the C# SDK").And.Contains("stub-model"));
            AssertServerRequestAnswered(sdk, "sampling/createMessage");
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task CallToolAsync_GetRootsList_ServerSeesClientRoots(CancellationToken cancellationToken)
    {
        var options = new McpClientOptions
        {
            Capabilities = new ClientCapabilities { Roots = new RootsCapability { ListChanged = false } },
            Handlers = new McpClientHandlers
            {
                RootsHandler = (_, _) => ValueTask.FromResult(new ListRootsResult
                {
                    Roots = [new Root { Uri = "file:///srv/gateway-workspace", Name = "gateway-workspace" }],
                }),
            },
        };
        await using var sdk = await GatewaySdkClient.ConnectAsync(_gateway.Endpoint, Connection, cancellationToken, options);

        var result = await sdk.Client.CallToolAsync("get-roots-list", cancellationToken: cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(Text(result), Does.Contain("Current MCP Roots (1 total)").And.Contains("URI: file:///srv/gateway-workspace"));
            AssertServerRequestAnswered(sdk, "roots/list");
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task CallToolAsync_TriggerElicitationRequest_ElicitationHandlerAnswersServer(CancellationToken cancellationToken)
    {
        var messages = new List<string?>();
        var options = new McpClientOptions
        {
            Capabilities = new ClientCapabilities { Elicitation = new ElicitationCapability() },
            Handlers = new McpClientHandlers
            {
                ElicitationHandler = (request, _) =>
                {
                    lock (messages)
                    {
                        messages.Add(request?.Message);
                    }

                    return ValueTask.FromResult(new ElicitResult
                    {
                        Action = "accept",
                        Content = new Dictionary<string, JsonElement>
                        {
                            ["name"] = JsonSerializer.SerializeToElement("Ada Lovelace"),
                            ["check"] = JsonSerializer.SerializeToElement(true),
                        },
                    });
                },
            },
        };
        await using var sdk = await GatewaySdkClient.ConnectAsync(_gateway.Endpoint, Connection, cancellationToken, options);

        var result = await sdk.Client.CallToolAsync("trigger-elicitation-request", cancellationToken: cancellationToken);

        var texts = result.Content.OfType<TextContentBlock>().Select(b => b.Text).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(messages, Is.EqualTo(new[] { "Please provide inputs for the following fields:" }));
            Assert.That(texts, Has.Some.Contains("- Name: Ada Lovelace"));
            Assert.That(texts, Has.Some.Contains("- Agreed to terms: true"));
            AssertServerRequestAnswered(sdk, "elicitation/create");
        });
    }

    /// <summary>The server's requests reached the SDK with the server's own ids, and the SDK answered each id once.</summary>
    private static void AssertServerRequestAnswered(GatewaySdkClient sdk, string method)
    {
        var requests = sdk.Wire.ReadLines.Select(line => JsonNode.Parse(line)!.AsObject()).Where(m => m["method"]?.GetValue<string>() == method).ToList();
        var sent = sdk.Wire.WrittenLines.Select(line => JsonNode.Parse(line)!.AsObject()).Where(m => !m.ContainsKey("method")).ToList();
        Assert.That(requests, Is.Not.Empty, $"the server sent {method}");
        foreach (var request in requests)
        {
            var answers = sent.Where(m => JsonNode.DeepEquals(m["id"], request["id"]));
            Assert.That(answers.Select(a => a.ContainsKey("result")), Is.EqualTo(new[] { true }), $"one result for the server's {method} id {request["id"]}");
        }
    }

    private static string Text(CallToolResult result) => result.Content.OfType<TextContentBlock>().First().Text;
}
