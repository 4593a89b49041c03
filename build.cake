// Build entry point: ./build.sh [target] [cake options]   (targets: Peers, Chromium, Build, Test, Demo, Bench; default Test)
//   ./build.sh test
//   ./build.sh demo
//   ./build.sh bench --bench-args="--filter * --job short"

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var benchArgs = Argument("bench-args", string.Empty);

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
    .Description("Builds the solution.")
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
    // Throws (and fails the build) when any test fails.
    DotNetTest(solution, new DotNetTestSettings
    {
        Configuration = configuration,
        NoBuild = true,
        Loggers = { "trx;LogFileName=tests.trx" },
        ResultsDirectory = testResultsDir,
    });
});

Task("Demo")
    .Description("Runs `mcpgw demo` against the real peers.")
    .IsDependentOn("Peers")
    .IsDependentOn("Build")
    .Does(() =>
{
    DotNetExecute(hostDll, new ProcessArgumentBuilder().Append("demo"));
});

Task("Bench")
    .Description("Runs the benchmarks; pass their arguments with --bench-args=\"...\".")
    .IsDependentOn("Peers")
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

Task("Default")
    .IsDependentOn("Test");

RunTarget(target);
