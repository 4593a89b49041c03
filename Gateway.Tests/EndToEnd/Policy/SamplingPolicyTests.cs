using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.Policy;

/// <summary>Server-to-client requests from a real upstream (server-everything): sampling is refused back to the server unless a rule allows it.</summary>
[TestFixture]
internal sealed class SamplingPolicyTests
{
    [TestCase(false)]
    [TestCase(true)]
    [CancelAfter(30000)]
    public async Task TriggerSamplingRequest_PolicyDecidesWhetherClientIsAsked(bool allowSampling, CancellationToken cancellationToken)
    {
        var rules = allowSampling
            ? """[ { "id": "sampling", "action": "allow", "match": { "methods": [ "sampling/createMessage" ] } } ]"""
            : "[]";
        var directory = Directory.CreateTempSubdirectory("mcpgw-sampling-");
        try
        {
            var config = Path.Combine(directory.FullName, "gateway.json");
            await File.WriteAllTextAsync(config, $$"""
                {
                  "listen": "127.0.0.1:0",
                  "auth": { "mode": "none" },
                  "connections": { "everything": { "transport": "stdio", "command": "node",
                                                   "args": [ {{JsonValue.Create(RepoPaths.ServerEverythingJs).ToJsonString()}}, "stdio" ] } },
                  "policy": { "default": "allow", "rules": {{rules}} }
                }
                """, cancellationToken);
            await using var gateway = await GatewayHarness.StartAsync(GatewayConfiguration.LoadFile(config), cancellationToken);
            await using var client = await gateway.ConnectAsync("everything", cancellationToken);
            await client.RequestAsync(0, "initialize", new JsonObject
            {
                ["protocolVersion"] = "2025-06-18",
                ["capabilities"] = new JsonObject { ["sampling"] = new JsonObject() },
                ["clientInfo"] = new JsonObject { ["name"] = "sampling-test", ["version"] = "1.0" },
            }, cancellationToken);
            await client.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", cancellationToken);
            await WaitForToolAsync(client, "trigger-sampling-request", cancellationToken);

            await client.SendAsync(new JsonObject
            {
                ["jsonrpc"] = "2.0",
                ["id"] = "trigger",
                ["method"] = "tools/call",
                ["params"] = new JsonObject { ["name"] = "trigger-sampling-request", ["arguments"] = new JsonObject { ["prompt"] = "hi", ["maxTokens"] = 5 } },
            }, cancellationToken);
            var first = await client.ReadAsync(cancellationToken);
            while ((string?)first["method"] is { } method && method != "sampling/createMessage")
            {
                first = await client.ReadAsync(cancellationToken);
            }

            if (allowSampling)
            {
                Assert.That((string?)first["method"], Is.EqualTo("sampling/createMessage"), first.ToJsonString());
                return;
            }

            Assert.That(first.ContainsKey("method"), Is.False, $"the client must not be asked: {first.ToJsonString()}");
            Assert.That((string?)first["id"], Is.EqualTo("trigger"));
            Assert.That((bool?)first["result"]?["isError"], Is.True, first.ToJsonString());
            Assert.That((string?)first["result"]?["content"]?[0]?["text"], Does.Contain("-31003"), "the server got the gateway's refusal");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>server-everything registers its sampling tools shortly after notifications/initialized.</summary>
    private static async Task WaitForToolAsync(RawMcpClient client, string tool, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var list = await client.RequestAsync($"list-{attempt}", "tools/list", null, cancellationToken);
            if (list["result"]?["tools"]?.AsArray().Any(t => (string?)t?["name"] == tool) == true)
            {
                return;
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
