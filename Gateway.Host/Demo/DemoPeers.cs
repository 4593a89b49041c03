namespace McpGateway.Host.Demo;

/// <summary>Finds the real MCP server the demo runs behind the gateway (installed into <c>peers/</c> by <c>./build.sh</c>).</summary>
internal static class DemoPeers
{
    public const string ServerEverything = "node_modules/@modelcontextprotocol/server-everything/dist/index.js";

    public static string? FindServerEverything()
    {
        if (Environment.GetEnvironmentVariable("MCPGW_PEERS_DIR") is { Length: > 0 } configured)
        {
            var candidate = Path.Combine(configured, ServerEverything);
            return File.Exists(candidate) ? candidate : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "peers", ServerEverything);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
