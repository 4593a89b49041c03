using System.Runtime.Versioning;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.Install;

/// <summary>
/// The self-contained single-file build as a user installs it: one file copied to a folder of its own (no runtime
/// beside it, no DOTNET_ROOT), then <c>mcpgw --version</c> and a short session (with the SQLite audit store,
/// whose native library travels inside the file).
/// </summary>
[TestFixture]
[SupportedOSPlatform("linux")]
internal sealed class SingleFileInstallTests
{
    private string _directory = null!;
    private string _mcpgw = null!;
    private Dictionary<string, string?> _environment = null!;

    [OneTimeSetUp]
    public void Install()
    {
        _directory = Directory.CreateTempSubdirectory("mcpgw-single-").FullName;
        _mcpgw = Path.Combine(_directory, "bin", "mcpgw");
        Directory.CreateDirectory(Path.GetDirectoryName(_mcpgw)!);
        File.Copy(InstallArtifacts.SingleFile, _mcpgw);
        File.SetUnixFileMode(_mcpgw, File.GetUnixFileMode(InstallArtifacts.SingleFile));
        _environment = new()
        {
            ["DOTNET_ROOT"] = null,
            ["DOTNET_BUNDLE_EXTRACT_BASE_DIR"] = Path.Combine(_directory, "extract"),
        };
    }

    [OneTimeTearDown]
    public void Delete() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void SingleFile_Published_IsOneExecutableFile()
    {
        var published = Directory.GetFiles(Path.GetDirectoryName(InstallArtifacts.SingleFile)!)
            .Select(Path.GetFileName)
            .Where(name => !name!.EndsWith(".pdb", StringComparison.Ordinal));

        Assert.That(published, Is.EqualTo(new[] { "mcpgw" }));
        Assert.That(File.GetUnixFileMode(InstallArtifacts.SingleFile) & UnixFileMode.UserExecute, Is.EqualTo(UnixFileMode.UserExecute));
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Version_SingleFile_PrintsThePackageVersion(CancellationToken cancellationToken)
    {
        var (exitCode, output) = await InstalledGateway.VersionAsync(_mcpgw, _environment, cancellationToken);

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.StartWith(InstallArtifacts.Version));
    }

    [Test]
    [CancelAfter(90000)]
    public async Task Serve_SingleFile_RelaysAToolCallAndRecordsIt(CancellationToken cancellationToken)
    {
        var config = InstalledGateway.WriteConfig(_directory);
        await using var gateway = ChildProcess.Start(_mcpgw, ["serve", "--config", config], _environment, _directory);

        var port = await InstalledGateway.WaitUntilListeningAsync(gateway, cancellationToken);
        var echoed = await InstalledGateway.EchoAsync(port, "through the single file", cancellationToken);

        Assert.That(echoed, Is.EqualTo("Echo: through the single file"), gateway.Describe());
        Assert.That(Path.Combine(_directory, "audit.db"), Does.Exist, "the SQLite audit store opened inside the single file");
    }
}
