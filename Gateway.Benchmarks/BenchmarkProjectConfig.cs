using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Toolchains;
using BenchmarkDotNet.Toolchains.CsProj;
using BenchmarkDotNet.Toolchains.DotNetCli;
using McpGateway.Benchmarks;

[assembly: Config(typeof(BenchmarkProjectConfig))]

namespace McpGateway.Benchmarks;

/// <summary>
/// BenchmarkDotNet looks for <c>{AssemblyName}.csproj</c> (McpGateway.Benchmarks.csproj) to build its runner
/// process; this project is Gateway.Benchmarks.csproj. A mutator job points every job (whatever <c>--job</c>
/// says) at the real project file.
/// </summary>
public sealed class BenchmarkProjectConfig : ManualConfig
{
    private const string ProjectFile = "Gateway.Benchmarks.csproj";

    public BenchmarkProjectConfig()
    {
        var settings = new NetCoreAppSettings("net10.0", runtimeFrameworkVersion: null!, name: ".NET 10.0");
        var standard = CsProjCoreToolchain.From(settings);
        var toolchain = new Toolchain(standard.Name, new ProjectGenerator(settings), standard.Builder, standard.Executor);
        AddJob(Job.Default.WithToolchain(toolchain).AsMutator());
    }

    private static FileInfo FindProject()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = new FileInfo(Path.Combine(directory.FullName, ProjectFile));
            if (candidate.Exists)
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{ProjectFile} is not in any parent of {AppContext.BaseDirectory}");
    }

    private sealed class ProjectGenerator(NetCoreAppSettings settings) : CsProjGenerator(
        settings.TargetFrameworkMoniker,
        settings.CustomDotNetCliPath!,
        settings.PackagesPath!,
        settings.RuntimeFrameworkVersion!)
    {
        protected override FileInfo GetProjectFilePath(Type benchmarkTarget, ILogger logger) => FindProject();
    }
}
