using System.Reflection;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.Protocol;

/// <summary>Other projects' build outputs, from the same configuration (Debug or Release) as the test assembly.</summary>
internal static class BuildOutputs
{
    private const string TargetFramework = "net10.0";

    public static string Configuration { get; } =
        typeof(BuildOutputs).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The <c>mcpgw</c> program, to run with <c>dotnet</c>.</summary>
    public static string GatewayHostDll => Path.Combine(RepoPaths.Root, "Gateway.Host", "bin", Configuration, TargetFramework, "mcpgw.dll");

    /// <summary>The benchmark program (load driver, copy relay), built first through a ProjectReference without its assembly.</summary>
    public static string BenchmarksDll => Path.Combine(RepoPaths.Root, "Gateway.Benchmarks", "bin", Configuration, TargetFramework, "McpGateway.Benchmarks.dll");

    /// <summary>The sample plugin (built first through a ProjectReference without its assembly).</summary>
    public static string ToolCallQuotaPluginDll =>
        Path.Combine(RepoPaths.Root, "samples", "ToolCallQuota", "bin", Configuration, TargetFramework, "McpGateway.Samples.ToolCallQuota.dll");
}
