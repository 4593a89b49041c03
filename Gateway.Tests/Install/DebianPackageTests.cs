using System.Runtime.Versioning;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.Install;

/// <summary>
/// The Debian package. Installing it for real would add a system user and a service to the machine the tests run on,
/// so the package is unpacked into a temporary root with <c>dpkg-deb -x</c> and each part is exercised there: the
/// control data, the files, the systemd unit (<c>systemd-analyze verify</c>), the maintainer script (run against
/// recording stand-ins for adduser, install and systemctl), and the installed program itself: <c>--version</c>, the
/// shipped configuration through <c>config check</c>, and <c>serve</c> under a NOTIFY_SOCKET the test listens on, as
/// systemd runs a <c>Type=notify</c> service.
/// </summary>
[TestFixture]
[SupportedOSPlatform("linux")]
internal sealed class DebianPackageTests
{
    private string _directory = null!;
    private string _root = null!;

    private string Mcpgw => Path.Combine(_root, "usr", "bin", "mcpgw");

    private string Unit => Path.Combine(_root, "usr", "lib", "systemd", "system", "mcpgw.service");

    private Dictionary<string, string?> ProgramEnvironment => new()
    {
        ["DOTNET_BUNDLE_EXTRACT_BASE_DIR"] = Path.Combine(_directory, "extract"),
    };

    [OneTimeSetUp]
    public async Task Unpack()
    {
        _directory = Directory.CreateTempSubdirectory("mcpgw-deb-").FullName;
        _root = Path.Combine(_directory, "root");
        var (exitCode, output) = await RunAsync("dpkg-deb", ["-x", InstallArtifacts.DebianPackage, _root], CancellationToken.None);
        Assert.That(exitCode, Is.Zero, output);
    }

    [OneTimeTearDown]
    public void Delete() => Directory.Delete(_directory, recursive: true);

    [Test]
    [CancelAfter(30000)]
    public async Task Control_Package_NamesProgramVersionArchitectureAndDependencies(CancellationToken cancellationToken)
    {
        var (exitCode, fields) = await RunAsync("dpkg-deb", ["-f", InstallArtifacts.DebianPackage, "Package", "Version", "Architecture", "Depends"], cancellationToken);

        Assert.That(exitCode, Is.Zero, fields);
        Assert.That(fields, Does.Contain("Package: mcpgw"));
        Assert.That(fields, Does.Contain($"Version: {InstallArtifacts.Version}"));
        Assert.That(fields, Does.Contain("Architecture: amd64"));
        Assert.That(fields, Does.Contain("adduser").And.Contain("libssl3"));
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Conffiles_Package_KeepTheOperatorsGatewayJsonOnUpgrade(CancellationToken cancellationToken)
    {
        var (exitCode, conffiles) = await RunAsync("dpkg-deb", ["-I", InstallArtifacts.DebianPackage, "conffiles"], cancellationToken);

        Assert.That(exitCode, Is.Zero, conffiles);
        Assert.That(conffiles.Trim(), Is.EqualTo("/etc/mcpgw/gateway.json"));
    }

    [Test]
    public void Files_Unpacked_ProgramOnThePathUnitConfigurationAndSchema()
    {
        Assert.Multiple(() =>
        {
            Assert.That(new FileInfo(Mcpgw).LinkTarget, Is.EqualTo("../lib/mcpgw/mcpgw"));
            Assert.That(File.GetUnixFileMode(Path.Combine(_root, "usr", "lib", "mcpgw", "mcpgw")) & UnixFileMode.OtherExecute, Is.EqualTo(UnixFileMode.OtherExecute));
            Assert.That(Path.Combine(_root, "etc", "mcpgw", "gateway.json"), Does.Exist);
            Assert.That(Unit, Does.Exist);
            Assert.That(Path.Combine(_root, "usr", "share", "mcpgw", "gateway.schema.json"), Does.Exist);
        });
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Unit_Verified_NotifyServiceAsUserMcpgwWithAStateDirectory(CancellationToken cancellationToken)
    {
        if (!File.Exists("/usr/bin/systemd-analyze"))
        {
            Assert.Ignore("systemd-analyze is not installed (apt-get install systemd); the unit's syntax is not verified here");
        }

        var lines = File.ReadAllLines(Unit);
        // systemd-analyze checks that ExecStart exists: point it at the unpacked program.
        var verifiable = Path.Combine(_directory, "mcpgw.service");
        File.WriteAllLines(verifiable, lines.Select(l => l.Replace("/usr/bin/mcpgw", Mcpgw, StringComparison.Ordinal)));

        var (exitCode, output) = await RunAsync("systemd-analyze", ["verify", verifiable], cancellationToken);

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Is.Empty, "no unknown keys or other warnings");
        Assert.That(lines, Is.SupersetOf(new[]
        {
            "Type=notify",
            "User=mcpgw",
            "ExecStart=/usr/bin/mcpgw serve --config /etc/mcpgw/gateway.json",
            "StateDirectory=mcpgw",
        }));
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Postinst_Configure_CreatesTheSystemUserStateDirectoryAndEnablesTheService(CancellationToken cancellationToken)
    {
        var (control, calls) = (Path.Combine(_directory, "control"), Path.Combine(_directory, "postinst-calls.log"));
        var (exitCode, output) = await RunAsync("dpkg-deb", ["-e", InstallArtifacts.DebianPackage, control], cancellationToken);
        Assert.That(exitCode, Is.Zero, output);
        var bin = Path.Combine(_directory, "stand-ins");
        Directory.CreateDirectory(bin);
        // getent finds no account yet; every other command only records how it was called.
        StandIn(bin, "getent", calls, exitCode: 2);
        foreach (var command in new[] { "addgroup", "adduser", "install", "chown", "chmod", "systemctl" })
        {
            StandIn(bin, command, calls, exitCode: 0);
        }

        var postinst = Path.Combine(control, "postinst");
        var systemdRunning = Directory.Exists("/run/systemd/system");
        (exitCode, output) = await RunAsync("sh", [postinst, "configure"], cancellationToken, new() { ["PATH"] = bin + ":/usr/bin:/bin" });

        Assert.That(exitCode, Is.Zero, output);
        var recorded = File.ReadAllLines(calls);
        Assert.That(recorded, Is.SupersetOf(new[]
        {
            "addgroup --system --quiet mcpgw",
            "adduser --system --quiet --ingroup mcpgw --home /var/lib/mcpgw --no-create-home --shell /usr/sbin/nologin --gecos McpGateway mcpgw",
            "install -d -o mcpgw -g mcpgw -m 0750 /var/lib/mcpgw",
            "chown root:mcpgw /etc/mcpgw/gateway.json",
            "chmod 0640 /etc/mcpgw/gateway.json",
        }));
        if (systemdRunning)
        {
            Assert.That(recorded, Does.Contain("systemctl enable mcpgw.service"));
        }
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Version_Unpacked_PrintsThePackageVersion(CancellationToken cancellationToken)
    {
        var (exitCode, output) = await InstalledGateway.VersionAsync(Mcpgw, ProgramEnvironment, cancellationToken);

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.StartWith(InstallArtifacts.Version));
    }

    [Test]
    [CancelAfter(60000)]
    public async Task ConfigCheck_ShippedGatewayJson_IsValid(CancellationToken cancellationToken)
    {
        await using var check = ChildProcess.Start(Mcpgw, ["config", "check", "--config", Path.Combine(_root, "etc", "mcpgw", "gateway.json")], ProgramEnvironment);
        await check.WaitForExitAsync(cancellationToken);

        Assert.That(check.ExitCode, Is.Zero, check.Describe());
    }

    [Test]
    [CancelAfter(90000)]
    public async Task Serve_UnderANotifySocket_SignalsReadyServesAndSignalsStoppingOnSigterm(CancellationToken cancellationToken)
    {
        var config = InstalledGateway.WriteConfig(_directory, "notify.json");
        using var notify = new NotifySocket(Path.Combine(_directory, "notify.sock"));
        var environment = ProgramEnvironment;
        environment["NOTIFY_SOCKET"] = notify.Path;
        await using var gateway = ChildProcess.Start(Mcpgw, ["serve", "--config", config], environment, _directory);

        var ready = await notify.ReceiveAsync(cancellationToken);
        var port = await InstalledGateway.WaitUntilListeningAsync(gateway, cancellationToken);
        var echoed = await InstalledGateway.EchoAsync(port, "through the Debian package", cancellationToken);
        var (killed, killOutput) = await RunAsync("kill", ["-TERM", gateway.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], cancellationToken);
        var stopping = await notify.ReceiveAsync(cancellationToken);
        await gateway.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(ready, Is.EqualTo("READY=1"), "sent once the listeners are bound");
            Assert.That(echoed, Is.EqualTo("Echo: through the Debian package"), gateway.Describe());
            Assert.That(killed, Is.Zero, killOutput);
            Assert.That(stopping, Is.EqualTo("STOPPING=1"));
            Assert.That(gateway.ExitCode, Is.Zero, gateway.Describe());
        });
    }

    private static void StandIn(string bin, string command, string log, int exitCode)
    {
        var path = Path.Combine(bin, command);
        File.WriteAllText(path, $"#!/bin/sh\necho \"{command} $*\" >> '{log}'\nexit {exitCode}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(
        string program, string[] arguments, CancellationToken cancellationToken, Dictionary<string, string?>? environment = null)
    {
        await using var process = ChildProcess.Start(program, arguments, environment);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, string.Join('\n', process.OutputLines) + process.StandardError);
    }
}
