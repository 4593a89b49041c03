using McpGateway.Tests.EndToEnd.Protocol;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.Install;

/// <summary>
/// The three install artifacts, built once per test run the way a release is built: <c>./build.sh publish</c> (on the
/// tree the test run was built from, hence <c>--no-build</c>) into a temporary folder. Every fixture in this namespace
/// installs from here.
/// </summary>
[SetUpFixture]
internal sealed class InstallArtifacts
{
    private static readonly TimeSpan BuildBudget = TimeSpan.FromMinutes(8);

    private static string? _directory;

    public static string Directory => _directory ?? throw new InvalidOperationException("the install artifacts are built by the set-up fixture");

    public static string Version => PackageVersion.Value;

    public static string ToolPackages => Path.Combine(Directory, "packages");

    public static string SingleFile => Path.Combine(Directory, "publish", "linux-x64", "mcpgw");

    public static string DebianPackage => Path.Combine(Directory, "packages", $"mcpgw_{Version}_amd64.deb");

    private static readonly Lazy<string> PackageVersion = new(() =>
        System.Xml.Linq.XDocument.Load(Path.Combine(RepoPaths.Root, "Gateway.Host", "Gateway.Host.csproj"))
            .Descendants("Version").Single().Value);

    [OneTimeSetUp]
    public async Task BuildOnce()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Ignore("the install artifacts are built for linux-x64");
        }

        _directory = System.IO.Directory.CreateTempSubdirectory("mcpgw-install-").FullName;
        using var budget = new CancellationTokenSource(BuildBudget);
        await using var build = ChildProcess.Start(
            "bash",
            [Path.Combine(RepoPaths.Root, "build.sh"), "publish", $"--artifacts={_directory}", $"--configuration={BuildOutputs.Configuration}", "--no-build"]);
        try
        {
            await build.WaitForExitAsync(budget.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"./build.sh publish did not finish within {BuildBudget}:\n{build.Describe()}");
        }

        Assert.That(build.ExitCode, Is.Zero, build.Describe());
    }

    [OneTimeTearDown]
    public void Delete()
    {
        if (_directory is not null)
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
    }
}
