using McpGateway.Core.Configuration;
using McpGateway.Inspectors;
using McpGateway.Inspectors.Policy;
using McpGateway.Tests.EndToEnd.Hostile;
using McpGateway.Tests.EndToEnd.Support;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Tests.EndToEnd.Policy;

/// <summary>
/// A gateway started from a real configuration file (auth none, subject <c>anonymous</c>) with a policy, in front of
/// a <see cref="SpyUpstream"/> reachable as connections <c>spy</c> and <c>spy2</c>. The spy lists the tools
/// <c>query</c>, <c>echo</c> and <c>rm</c>, echoes every other request, and on <c>tools/call</c> of <c>ask</c> sends
/// the client a <c>sampling/createMessage</c> request first; a <c>tools/call</c> of a tool whose name starts with
/// <c>missing</c> gets the JSON-RPC error older SDKs answer an unknown tool with.
/// </summary>
internal sealed class PolicyRig : IAsyncDisposable
{
    public const string ToolsResult = """{"tools":[{"name":"query","inputSchema":{"type":"object"}},{"name":"ec\u0068o","inputSchema":{"type":"object"}},{"name":"rm","inputSchema":{"type":"object"}}]}""";

    private readonly DirectoryInfo _directory;

    private PolicyRig(DirectoryInfo directory, SpyUpstream spy, GatewayHarness gateway)
    {
        _directory = directory;
        Spy = spy;
        Gateway = gateway;
    }

    public SpyUpstream Spy { get; }

    public GatewayHarness Gateway { get; }

    public string ConfigPath => Path.Combine(_directory.FullName, "gateway.json");

    public PolicyMonitor Monitor => Gateway.Application.Services.GetRequiredService<PolicyMonitor>();

    /// <param name="toolsResult">The result of each <c>tools/list</c>; <see cref="ToolsResult"/> unless given.</param>
    /// <param name="prepare">Writes files next to the configuration (a pin file) before the gateway starts.</param>
    public static async Task<PolicyRig> StartAsync(string policyJson, CancellationToken cancellationToken, Func<string>? toolsResult = null, Action<string>? prepare = null)
    {
        var spy = SpyUpstream.Start(SpyBehavior.Scripted(line => line.Method switch
        {
            "tools/list" => [line.ResponseWith(toolsResult?.Invoke() ?? ToolsResult)],
            "prompts/list" => [line.ResponseWith("""{"prompts":[{"name":"summarise"}]}""")],
            "resources/list" => [line.ResponseWith("""{"resources":[{"uri":"file:///a","name":"a"}]}""")],
            "tools/call" when line.Text.Contains("\"ask\"", StringComparison.Ordinal) =>
            [
                HostileWire.Utf8("""{"jsonrpc":"2.0","id":"sampling-1","method":"sampling/createMessage","params":{"messages":[],"maxTokens":5}}"""),
                line.EchoResponse(),
            ],
            "tools/call" when line.Text.Contains("\"missing", StringComparison.Ordinal) =>
                [HostileWire.Utf8("""{"jsonrpc":"2.0","id":""" + line.RawId + ""","error":{"code":-32602,"message":"Unknown tool"}}""")],
            null => [],
            _ when line.IsRequest => [line.EchoResponse()],
            _ => [],
        }));
        var directory = Directory.CreateTempSubdirectory("mcpgw-policy-");
        var path = Path.Combine(directory.FullName, "gateway.json");
        await File.WriteAllTextAsync(path, Config(spy.Port, policyJson), cancellationToken);
        prepare?.Invoke(directory.FullName);
        var settings = GatewayConfiguration.LoadFile(path);
        var gateway = await GatewayHarness.StartAsync(settings, cancellationToken);
        return new PolicyRig(directory, spy, gateway);
    }

    public static string Config(int spyPort, string policyJson) => $$"""
        {
          "listen": "127.0.0.1:0",
          "auth": { "mode": "none" },
          "connections": {
            "spy": { "transport": "tcp", "host": "127.0.0.1", "port": {{spyPort}}, "connectRetries": 1 },
            "spy2": { "transport": "tcp", "host": "127.0.0.1", "port": {{spyPort}}, "connectRetries": 1 }
          },
          "policy": {{policyJson}}
        }
        """;

    /// <summary>A raw client on <paramref name="connection"/> as a real client opens it: authenticated, then the MCP handshake.</summary>
    public async Task<RawMcpClient> ConnectAsync(string connection, CancellationToken cancellationToken)
    {
        var client = await Gateway.ConnectAsync(connection, cancellationToken);
        try
        {
            await client.InitializeAsync(cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public Task RewritePolicyAsync(string policyJson, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(ConfigPath, Config(Spy.Port, policyJson), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Spy.DisposeAsync();
        _directory.Delete(recursive: true);
    }
}
