namespace McpGateway.Tests.Infrastructure;

/// <summary>Locations inside the repository checkout the tests run from.</summary>
internal static class RepoPaths
{
    private const string SolutionFileName = "McpGateway.sln";

    private static readonly Lazy<string> _root = new(FindRoot);

    /// <summary>The folder holding McpGateway.sln, found by walking up from the test assembly's folder.</summary>
    public static string Root => _root.Value;

    /// <summary>The npm project with the real MCP peers (reference servers, SDK client, TCP wrapper).</summary>
    public static string Peers => Path.Combine(Root, "peers");

    public static string PeersPackageLock => Path.Combine(Peers, "package-lock.json");

    public static string NodeModules => Path.Combine(Peers, "node_modules");

    public static string ServerEverythingJs => PackageEntryPoint("server-everything");

    public static string ServerFilesystemJs => PackageEntryPoint("server-filesystem");

    public static string ServerMemoryJs => PackageEntryPoint("server-memory");

    /// <summary><c>node tcp-server.mjs &lt;command&gt; [args...]</c>: one stdio MCP server per TCP connection.</summary>
    public static string TcpServerScript => Path.Combine(Peers, "tcp-server.mjs");

    /// <summary>The OpenID provider standing in for Okta (panva/oidc-provider); see the comment at its top.</summary>
    public static string OidcProviderScript => Path.Combine(Peers, "oidc-provider.mjs");

    /// <summary>The TypeScript SDK client that talks to the gateway over TCP.</summary>
    public static string TsClientScript => Path.Combine(Peers, "ts-client.mjs");

    private static string PackageEntryPoint(string package) =>
        Path.Combine(NodeModules, "@modelcontextprotocol", package, "dist", "index.js");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFileName)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No {SolutionFileName} found in '{AppContext.BaseDirectory}' or any parent folder; run the tests from a repository checkout.");
    }
}
