using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace McpGateway.Host.Cli;

/// <summary><c>mcpgw --version</c>: the informational version (with the commit when the build knows it) on stdout.</summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    public static string Version { get; } =
        typeof(VersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(Version);
        return 0;
    }
}
