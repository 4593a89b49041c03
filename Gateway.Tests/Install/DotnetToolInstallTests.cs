using System.Runtime.InteropServices;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.Install;

/// <summary>
/// The .NET tool package as a user installs it: <c>dotnet tool install mcpgw --tool-path DIR --add-source
/// artifacts/packages</c> (with no other package source, so only the built package can be what is installed), then
/// <c>mcpgw --version</c> and a short session through the installed command.
/// </summary>
[TestFixture]
internal sealed class DotnetToolInstallTests
{
    private string _directory = null!;
    private string _mcpgw = null!;
    private Dictionary<string, string?> _environment = null!;

    [OneTimeSetUp]
    public async Task InstallTool()
    {
        _directory = Directory.CreateTempSubdirectory("mcpgw-tool-").FullName;
        File.WriteAllText(Path.Combine(_directory, "nuget.config"), """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
              </packageSources>
            </configuration>
            """);
        var toolPath = Path.Combine(_directory, "tools");
        using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var install = ChildProcess.Start(
            "dotnet",
            ["tool", "install", "mcpgw", "--tool-path", toolPath, "--add-source", InstallArtifacts.ToolPackages, "--version", InstallArtifacts.Version],
            workingDirectory: _directory);
        await install.WaitForExitAsync(budget.Token);
        Assert.That(install.ExitCode, Is.Zero, install.Describe());

        _mcpgw = Path.Combine(toolPath, "mcpgw");
        // The tool's launcher finds the shared runtime through DOTNET_ROOT when dotnet is not in a default location.
        _environment = new() { ["DOTNET_ROOT"] = DotnetRoot() };
    }

    [OneTimeTearDown]
    public void Delete() => Directory.Delete(_directory, recursive: true);

    [Test]
    [CancelAfter(60000)]
    public async Task Version_InstalledTool_PrintsThePackageVersion(CancellationToken cancellationToken)
    {
        var (exitCode, output) = await InstalledGateway.VersionAsync(_mcpgw, _environment, cancellationToken);

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.StartWith(InstallArtifacts.Version));
    }

    [Test]
    [CancelAfter(90000)]
    public async Task Serve_InstalledTool_RelaysAToolCallToARealServer(CancellationToken cancellationToken)
    {
        var config = InstalledGateway.WriteConfig(_directory);
        await using var gateway = ChildProcess.Start(_mcpgw, ["serve", "--config", config], _environment, _directory);

        var port = await InstalledGateway.WaitUntilListeningAsync(gateway, cancellationToken);
        var echoed = await InstalledGateway.EchoAsync(port, "through the installed tool", cancellationToken);

        Assert.That(echoed, Is.EqualTo("Echo: through the installed tool"), gateway.Describe());
    }

    /// <summary>The dotnet installation this test runs on: the shared framework folder is <c>ROOT/shared/NAME/VERSION/</c>.</summary>
    private static string DotnetRoot() =>
        Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
}
