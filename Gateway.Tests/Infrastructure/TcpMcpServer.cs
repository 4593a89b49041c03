using System.Globalization;
using System.Net;

namespace McpGateway.Tests.Infrastructure;

/// <summary>
/// A stdio MCP server served over TCP on 127.0.0.1 by peers/tcp-server.mjs: every accepted connection gets its own
/// server process, so each test connection starts from a fresh MCP session.
/// </summary>
internal sealed class TcpMcpServer : IAsyncDisposable
{
    private const string ReadyPrefix = "TCP_READY ";

    private static readonly TimeSpan _startTimeout = TimeSpan.FromSeconds(60);

    private TcpMcpServer(ChildProcess process, int port)
    {
        Process = process;
        Port = port;
    }

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>The tcp-server.mjs process; its stderr also carries the MCP servers' stderr.</summary>
    public ChildProcess Process { get; }

    /// <summary>Starts <c>node peers/tcp-server.mjs <paramref name="command"/> <paramref name="args"/></c> on an ephemeral port.</summary>
    public static async Task<TcpMcpServer> StartAsync(string command, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        NodePeers.EnsureInstalled();
        var process = ChildProcess.Start(
            "node",
            [RepoPaths.TcpServerScript, command, .. args],
            new Dictionary<string, string?>
            {
                ["TCP_PORT"] = "0",
                // Exit when the test host's end of stdin closes, even if the host dies without disposing us.
                ["TCP_EXIT_ON_STDIN_CLOSE"] = "1",
            },
            RepoPaths.Peers);
        try
        {
            var ready = await process.WaitForLineAsync(line => line.StartsWith(ReadyPrefix, StringComparison.Ordinal), _startTimeout, cancellationToken);
            var port = int.Parse(ready.AsSpan(ReadyPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture);
            return new TcpMcpServer(process, port);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>server-everything in stdio mode behind TCP.</summary>
    public static Task<TcpMcpServer> StartEverythingAsync(CancellationToken cancellationToken) =>
        StartAsync("node", [RepoPaths.ServerEverythingJs, "stdio"], cancellationToken);

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
