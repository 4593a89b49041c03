using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.Install;

/// <summary>What a user does first with an installed <c>mcpgw</c>: ask its version, then serve a real MCP server and call a tool.</summary>
internal static partial class InstalledGateway
{
    private static readonly TimeSpan StartBudget = TimeSpan.FromSeconds(60);

    /// <summary><c>mcpgw --version</c>: its stdout and exit code.</summary>
    public static async Task<(int ExitCode, string Output)> VersionAsync(
        string program, IReadOnlyDictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        await using var version = ChildProcess.Start(program, ["--version"], environment);
        await version.WaitForExitAsync(cancellationToken);
        return (version.ExitCode, string.Join('\n', version.OutputLines) + version.StandardError);
    }

    /// <summary>A configuration in <paramref name="directory"/>: auth none on a free loopback port, server-everything over stdio.</summary>
    public static string WriteConfig(string directory, string name = "gateway.json")
    {
        NodePeers.EnsureInstalled();
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, new JsonObject
        {
            ["listen"] = "127.0.0.1:0",
            ["auth"] = new JsonObject { ["mode"] = "none" },
            ["audit"] = new JsonObject { ["path"] = Path.Combine(directory, "audit.db") },
            ["connections"] = new JsonObject
            {
                ["everything"] = new JsonObject
                {
                    ["transport"] = "stdio",
                    ["command"] = "node",
                    ["args"] = new JsonArray(RepoPaths.ServerEverythingJs, "stdio"),
                },
            },
        }.ToJsonString());
        return path;
    }

    /// <summary>Waits for the gateway's listening line and returns the port it bound.</summary>
    public static async Task<int> WaitUntilListeningAsync(ChildProcess gateway, CancellationToken cancellationToken)
    {
        var line = await gateway.WaitForLineAsync(l => l.Contains("Gateway listening on", StringComparison.Ordinal), StartBudget, cancellationToken);
        return int.Parse(ListeningPort().Match(line).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Authenticates, initializes and calls <c>echo</c> through the gateway; returns the echoed text.</summary>
    public static async Task<string?> EchoAsync(int port, string message, CancellationToken cancellationToken)
    {
        await using var client = await RawMcpClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken);
        await client.AuthenticateAsync("everything", cancellationToken);
        await client.InitializeAsync(cancellationToken);
        var echo = await client.RequestAsync(1, "tools/call", new JsonObject
        {
            ["name"] = "echo",
            ["arguments"] = new JsonObject { ["message"] = message },
        }, cancellationToken);
        return echo["result"]?["content"]?[0]?["text"]?.GetValue<string>();
    }

    [GeneratedRegex(@"Gateway listening on 127\.0\.0\.1:([0-9]+) ")]
    private static partial Regex ListeningPort();
}
