// Build entry point: ./build.sh [target] [cake options]   (targets: Peers, Build, Test, Demo, Bench; default Test)
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

Task("Build")
    .Description("Builds the solution.")
    .Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration });
});

Task("Test")
    .Description("Runs all tests; TRX results go to artifacts/test-results.")
    .IsDependentOn("Peers")
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
