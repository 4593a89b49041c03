using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.Policy;

/// <summary>A gateway started from a real configuration file (auth none) with a policy, in front of server-everything over stdio as connection <c>everything</c>.</summary>
internal sealed class EverythingPolicyRig : IAsyncDisposable
{
    private readonly DirectoryInfo _directory;

    private EverythingPolicyRig(DirectoryInfo directory, GatewayHarness gateway)
    {
        _directory = directory;
        Gateway = gateway;
    }

    public GatewayHarness Gateway { get; }

    /// <param name="policyJson">The <c>policy</c> section; null for a gateway without a policy.</param>
    public static async Task<EverythingPolicyRig> StartAsync(string? policyJson, CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("mcpgw-everything-policy-");
        var path = Path.Combine(directory.FullName, "gateway.json");
        var policy = policyJson is null ? "" : $""", "policy": {policyJson}""";
        await File.WriteAllTextAsync(path, $$"""
            {
              "listen": "127.0.0.1:0",
              "auth": { "mode": "none" },
              "connections": { "everything": { "transport": "stdio", "command": "node",
                                               "args": [ {{JsonValue.Create(RepoPaths.ServerEverythingJs).ToJsonString()}}, "stdio" ] } }{{policy}}
            }
            """, cancellationToken);
        var gateway = await GatewayHarness.StartAsync(GatewayConfiguration.LoadFile(path), cancellationToken);
        return new EverythingPolicyRig(directory, gateway);
    }

    /// <summary>A client connected to server-everything, past <c>initialize</c> and <c>notifications/initialized</c>.</summary>
    public async Task<RawMcpClient> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = await Gateway.ConnectAsync("everything", cancellationToken);
        await client.RequestAsync("init", "initialize", new JsonObject
        {
            ["protocolVersion"] = "2025-06-18",
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = new JsonObject { ["name"] = "policy-test", ["version"] = "1.0" },
        }, cancellationToken);
        await client.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", cancellationToken);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        _directory.Delete(recursive: true);
    }
}
