// Build entry point: ./build.sh [target] [cake options]   (targets: Peers, Chromium, Build, Test, Demo, Haproxy, Bench, Publish; default Test)
//   ./build.sh test
//   ./build.sh publish                      (artifacts/: the dotnet tool package, the linux-x64 single file, the .deb)
//   ./build.sh demo
//   ./build.sh bench --bench-args="--filter * --job short"

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var benchArgs = Argument("bench-args", string.Empty);
var artifacts = Argument("artifacts", "./artifacts");

var solution = File("./McpGateway.sln");
var peersDir = Directory("./peers");
var testResultsDir = Directory("./artifacts/test-results");
var hostDll = File($"./Gateway.Host/bin/{configuration}/net10.0/mcpgw.dll");

// npm ci and npm install both write node_modules/.package-lock.json last; compare it with the committed lockfile.
bool PeersAreStale()
{
    var installed = new System.IO.FileInfo(System.IO.Path.Combine(peersDir, "node_modules", ".package-lock.json"));
    var lockFile = new System.IO.FileInfo(System.IO.Path.Combine(peersDir, "package-lock.json"));
    return !installed.Exists || installed.LastWriteTimeUtc < lockFile.LastWriteTimeUtc;
}

Task("Peers")
    .Description("Installs the Node MCP peers (npm ci in peers/) when node_modules is missing or stale.")
    .Does(() =>
{
    if (!PeersAreStale())
    {
        Information("peers/node_modules is up to date.");
        return;
    }

    var npm = IsRunningOnWindows() ? "npm.cmd" : "npm";
    var exitCode = StartProcess(npm, new ProcessSettings
    {
        Arguments = "ci --no-audit --no-fund",
        WorkingDirectory = peersDir,
    });
    if (exitCode != 0)
    {
        throw new CakeException($"npm ci in peers/ failed with exit code {exitCode}.");
    }
});

// The web console's browser tests drive Debian's chromium through Playwright (Playwright's own browser download is not
// used). Installed here when missing, as root or with passwordless sudo; otherwise those tests fail and say what to install.
Task("Chromium")
    .Description("Installs Debian's chromium for the console's browser tests when it is missing.")
    .Does(() =>
{
    var configured = EnvironmentVariable("MCPGW_CHROMIUM");
    var present = string.IsNullOrEmpty(configured)
        ? new[] { "/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.Any(System.IO.File.Exists)
        : System.IO.File.Exists(configured);
    if (present)
    {
        Information("Chromium is installed.");
        return;
    }

    if (!IsRunningOnLinux() || !System.IO.File.Exists("/usr/bin/apt-get"))
    {
        Warning("Chromium is missing and this is no Debian machine: the console's browser tests will fail. Install Chromium and set MCPGW_CHROMIUM to its binary.");
        return;
    }

    var root = Environment.UserName == "root";
    var sudo = !root && StartProcess("sudo", new ProcessSettings { Arguments = "-n true", Silent = true }) == 0;
    if (!root && !sudo)
    {
        Warning("Chromium is missing and this user cannot install packages: the console's browser tests will fail. Install it with: sudo apt-get install -y chromium");
        return;
    }

    // An outdated package list is refreshed once when the first attempt fails.
    var command = "export DEBIAN_FRONTEND=noninteractive; " + (sudo ? "sudo -n -E " : "") + "apt-get install -y chromium || { "
        + (sudo ? "sudo -n -E " : "") + "apt-get update && " + (sudo ? "sudo -n -E " : "") + "apt-get install -y chromium; }";
    if (StartProcess("bash", new ProcessSettings { Arguments = new ProcessArgumentBuilder().Append("-c").AppendQuoted(command) }) != 0)
    {
        throw new CakeException("apt-get install chromium failed; the console's browser tests need it.");
    }
});

Task("Build")
    .Description("Builds the solution (skipped with --no-build, e.g. by the install tests, which run on a built tree).")
    .WithCriteria(() => !HasArgument("no-build"))
    .Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration });
});

Task("Test")
    .Description("Runs all tests; TRX results go to artifacts/test-results.")
    .IsDependentOn("Peers")
    .IsDependentOn("Chromium")
    .IsDependentOn("Build")
    .Does(() =>
{
    CleanDirectory(testResultsDir);
    // One run and one TRX file per test project (the gateway's suite, the sample's own tests): with one shared file
    // name the last project would overwrite the others' results. Every project runs; any failure fails the build.
    var failed = new List<string>();
    var projects = GetFiles("./**/*.Tests.csproj", new GlobberSettings { Predicate = entry => !entry.Path.FullPath.Contains("/node_modules") });
    foreach (var project in projects)
    {
        try
        {
            DotNetTest(project.FullPath, new DotNetTestSettings
            {
                Configuration = configuration,
                NoBuild = true,
                Loggers = { $"trx;LogFileName={project.GetFilenameWithoutExtension()}.trx" },
                ResultsDirectory = testResultsDir,
            });
        }
        catch (CakeException)
        {
            failed.Add(project.GetFilename().ToString());
        }
    }

    if (failed.Count > 0)
    {
        throw new CakeException($"Tests failed in {string.Join(", ", failed)}.");
    }
});

Task("Demo")
    .Description("Runs `mcpgw demo` against the real peers.")
    .IsDependentOn("Peers")
    .IsDependentOn("Build")
    .Does(() =>
{
    DotNetExecute(hostDll, new ProcessArgumentBuilder().Append("demo"));
});

// The load driver compares the gateway with HAProxy in the same run; without it those rows are skipped.
Task("Haproxy")
    .Description("Installs HAProxy for `bench --bench-args=\"load ...\"` when it is missing (apt-get, as root); else says what to install.")
    .WithCriteria(() => benchArgs.TrimStart().StartsWith("load", StringComparison.Ordinal) && !IsRunningOnWindows())
    .Does(() =>
{
    int Shell(string command) => StartProcess("sh", new ProcessSettings { Arguments = $"-c \"{command}\"", RedirectStandardOutput = true });
    if (Shell("command -v haproxy") == 0)
    {
        Information("haproxy is installed.");
        return;
    }

    if (Shell("command -v apt-get && [ $(id -u) -eq 0 ]") != 0)
    {
        Warning("haproxy is not installed and cannot be installed here (needs apt-get as root): install it (Debian/Ubuntu: apt-get install -y haproxy) for the load driver's HAProxy rows.");
        return;
    }

    Information("Installing haproxy (apt-get) for the load driver's comparison rows.");
    if (Shell("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy") != 0)
    {
        throw new CakeException("apt-get install haproxy failed.");
    }
});

Task("Bench")
    .Description("Runs the benchmarks; pass their arguments with --bench-args=\"...\".")
    .IsDependentOn("Peers")
    .IsDependentOn("Haproxy")
    .Does(() =>
{
    var arguments = new ProcessArgumentBuilder();
    if (!string.IsNullOrWhiteSpace(benchArgs))
    {
        arguments.Append(benchArgs);
    }

    DotNetRun("./Gateway.Benchmarks/Gateway.Benchmarks.csproj", arguments, new DotNetRunSettings
    {
        Configuration = configuration,
    });
});

Task("Publish")
    .Description("The three ways to install mcpgw, into --artifacts (default ./artifacts): packages/mcpgw.VERSION.nupkg (a dotnet tool), "
        + "publish/linux-x64/mcpgw (self-contained single file), packages/mcpgw_VERSION_amd64.deb (Debian, with a systemd unit).")
    .IsDependentOn("Build")
    .Does(() =>
{
    var hostProject = File("./Gateway.Host/Gateway.Host.csproj");
    var packages = System.IO.Path.GetFullPath(System.IO.Path.Combine(artifacts, "packages"));
    var singleFile = System.IO.Path.GetFullPath(System.IO.Path.Combine(artifacts, "publish", "linux-x64"));
    var version = XmlPeek(hostProject, "/Project/PropertyGroup/Version");

    DotNetPack(hostProject, new DotNetPackSettings
    {
        Configuration = configuration,
        NoBuild = true,
        OutputDirectory = packages,
    });

    DotNetPublish(hostProject, new DotNetPublishSettings
    {
        Configuration = configuration,
        Runtime = "linux-x64",
        SelfContained = true,
        PublishSingleFile = true,
        OutputDirectory = singleFile,
    });

    var exitCode = StartProcess("bash", new ProcessSettings
    {
        Arguments = new ProcessArgumentBuilder()
            .Append("packaging/deb/build-deb.sh")
            .AppendQuoted(System.IO.Path.Combine(singleFile, "mcpgw"))
            .Append(version)
            .AppendQuoted(packages),
    });
    if (exitCode != 0)
    {
        throw new CakeException($"packaging/deb/build-deb.sh failed with exit code {exitCode}.");
    }

    Information($"mcpgw {version}: {packages}/mcpgw.{version}.nupkg, {singleFile}/mcpgw, {packages}/mcpgw_{version}_amd64.deb");
});

Task("Default")
    .IsDependentOn("Test");

RunTarget(target);
