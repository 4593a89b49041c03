using System.Collections.Concurrent;
using McpGateway.Tests.EndToEnd.Protocol;
using McpGateway.Tests.Infrastructure;
using ModelContextProtocol.Client;

namespace McpGateway.Tests.Bridge;

/// <summary>Starts <c>dotnet mcpgw.dll bridge ...</c> the way an MCP client does: as its stdio server.</summary>
internal static class BridgeLauncher
{
    /// <summary>The official C# SDK client with an unmodified <see cref="StdioClientTransport"/> launching the bridge; its stderr lines land in <paramref name="stderr"/>.</summary>
    public static async Task<McpClient> ConnectSdkClientAsync(
        IEnumerable<string> bridgeArguments,
        ConcurrentQueue<string> stderr,
        CancellationToken cancellationToken,
        IDictionary<string, string?>? environment = null)
    {
        Assert.That(BuildOutputs.GatewayHostDll, Does.Exist);
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "mcpgw-bridge",
            Command = "dotnet",
            Arguments = [BuildOutputs.GatewayHostDll, "bridge", .. bridgeArguments],
            EnvironmentVariables = environment,
            StandardErrorLines = stderr.Enqueue,
            ShutdownTimeout = TimeSpan.FromSeconds(2),
        });
        try
        {
            return await McpClient.CreateAsync(transport, cancellationToken: cancellationToken);
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"the SDK client could not start through the bridge; bridge stderr:{Environment.NewLine}{string.Join(Environment.NewLine, stderr)}", ex);
        }
    }

    /// <summary>The bridge as a plain child process, for tests that watch its exit code and stderr.</summary>
    public static ChildProcess Start(IReadOnlyDictionary<string, string?>? environment, params string[] bridgeArguments)
    {
        Assert.That(BuildOutputs.GatewayHostDll, Does.Exist);
        return ChildProcess.Start("dotnet", [BuildOutputs.GatewayHostDll, "bridge", .. bridgeArguments], environment);
    }

    /// <summary>The echo tool's text answer.</summary>
    public static async Task<string?> EchoAsync(McpClient client, string message, CancellationToken cancellationToken)
    {
        var result = await client.CallToolAsync("echo", new Dictionary<string, object?> { ["message"] = message }, cancellationToken: cancellationToken);
        return result.IsError == true ? $"tool error: {string.Join(" ", result.Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>().Select(t => t.Text))}"
            : result.Content.OfType<ModelContextProtocol.Protocol.TextContentBlock>().FirstOrDefault()?.Text;
    }
}
