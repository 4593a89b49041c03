using System.Globalization;

namespace McpGateway.Tests.Infrastructure;

/// <summary>
/// A real MCP server speaking Streamable HTTP on 127.0.0.1: server-everything in its <c>streamableHttp</c> mode,
/// mcp-proxy serving server-everything (stdio) with an API key and the 2026-07-28 revision, or the TypeScript SDK's
/// own server in stateless mode. Both would bind every
/// interface, so they run with <c>peers/force-loopback.cjs</c> preloaded (mcp-proxy also gets <c>--host</c>).
/// </summary>
internal sealed class HttpMcpServer : IAsyncDisposable
{
    private static readonly TimeSpan _startTimeout = TimeSpan.FromSeconds(60);

    private HttpMcpServer(ChildProcess process, int port)
    {
        Process = process;
        Port = port;
    }

    public int Port { get; }

    public Uri Url => new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Port}/mcp"));

    /// <summary>The server process; server-everything prints each session, GET stream and DELETE on stdout.</summary>
    public ChildProcess Process { get; }

    public static string ForceLoopbackScript => Path.Combine(RepoPaths.Peers, "force-loopback.cjs");

    public static string McpProxyJs => Path.Combine(RepoPaths.NodeModules, "mcp-proxy", "dist", "bin", "mcp-proxy.mjs");

    /// <summary><c>PORT=… node server-everything streamableHttp</c>: sessions, SSE responses with event ids, the GET stream, DELETE.</summary>
    public static Task<HttpMcpServer> StartEverythingAsync(CancellationToken cancellationToken)
    {
        var port = OidcProvider.FreePort();
        return StartAsync(port, [RepoPaths.ServerEverythingJs, "streamableHttp"], new Dictionary<string, string?> { ["PORT"] = port.ToString(CultureInfo.InvariantCulture) }, cancellationToken);
    }

    /// <summary>mcp-proxy in front of server-everything (stdio): it answers both eras, and only requests carrying <c>X-API-Key: <paramref name="apiKey"/></c>.</summary>
    public static Task<HttpMcpServer> StartProxyAsync(string apiKey, CancellationToken cancellationToken)
    {
        var port = OidcProvider.FreePort();
        return StartAsync(
            port,
            [McpProxyJs, "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--apiKey", apiKey, "--server", "stream", "--modern", "--", "node", RepoPaths.ServerEverythingJs, "stdio"],
            new Dictionary<string, string?>(),
            cancellationToken);
    }

    /// <summary>
    /// <c>peers/stateless-http-server.mjs</c>: the official TypeScript SDK's server over stateless Streamable HTTP with
    /// the tools <c>echo</c> and <c>admin_tool</c>; <c>GET /stats</c> lists every HTTP request it parsed.
    /// </summary>
    public static Task<HttpMcpServer> StartStatelessSdkAsync(CancellationToken cancellationToken)
    {
        var port = OidcProvider.FreePort();
        return StartAsync(port, [Path.Combine(RepoPaths.Peers, "stateless-http-server.mjs")], new Dictionary<string, string?> { ["HTTP_PORT"] = port.ToString(CultureInfo.InvariantCulture) }, cancellationToken);
    }

    private static async Task<HttpMcpServer> StartAsync(int port, IEnumerable<string> arguments, Dictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        NodePeers.EnsureInstalled();
        environment["NODE_OPTIONS"] = $"--require {ForceLoopbackScript}";
        var process = ChildProcess.Start("node", arguments, environment, RepoPaths.Peers);
        try
        {
            await PeerStartup.WaitUntilServingAsync(process, "the HTTP MCP server", PeerStartup.TcpPort(port), _startTimeout, cancellationToken);
            return new HttpMcpServer(process, port);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
