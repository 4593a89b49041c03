using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using McpGateway.Host.Cli;
using McpGateway.Tests.EndToEnd.Protocol;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.Operations;

/// <summary>
/// The <c>mcpgw</c> command line as a user meets it, through the built program: help on every command, the version,
/// and mistakes named on stderr with exit 2 and the command's usage, never a stack trace.
/// </summary>
[TestFixture]
internal sealed class CommandLineTests
{
    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mcpgw-cli-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    /// <summary>Every command of the program, by its path: <c>["audit", "verify"]</c>, <c>["tools"]</c>, …</summary>
    private static IEnumerable<TestCaseData> EveryCommand()
    {
        var pending = new Stack<(Command Command, string[] Path)>();
        foreach (var command in MainCommand.Create(TimeProvider.System).Subcommands)
        {
            pending.Push((command, [command.Name]));
        }

        while (pending.TryPop(out var next))
        {
            yield return new TestCaseData(next.Path, string.Join(' ', ["mcpgw", .. next.Path])).SetArgDisplayNames(string.Join(' ', next.Path));
            foreach (var child in next.Command.Subcommands)
            {
                pending.Push((child, [.. next.Path, child.Name]));
            }
        }
    }

    [TestCaseSource(nameof(EveryCommand))]
    [CancelAfter(30000)]
    public async Task Help_EveryCommand_ItsCommandLinesAndExitCodesOnStdoutExitZero(string[] path, string commandLine, CancellationToken cancellationToken)
    {
        await using var mcpgw = Start([.. path, "--help"]);

        await mcpgw.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(mcpgw.ExitCode, Is.Zero, mcpgw.Describe());
            Assert.That(mcpgw.OutputLines, Has.Some.StartsWith("  " + commandLine), "its command lines");
            Assert.That(mcpgw.OutputLines, Has.Some.EqualTo("Exit codes:"));
            Assert.That(mcpgw.OutputLines, Has.Some.Contains("--help"), "its options");
            Assert.That(mcpgw.StandardError, Is.Empty);
        });
    }

    [TestCase(new[] { "--help" }, "  mcpgw serve --config FILE")]
    [TestCase(new[] { "serve", "--config", "gateway.json", "--help" }, "  mcpgw serve --config FILE")]
    [TestCase(new[] { "audit", "query", "-h" }, "  mcpgw audit query --config FILE")]
    [CancelAfter(30000)]
    public async Task Help_AfterOptionsOrShort_TheCommandsHelpOnStdoutExitZero(string[] arguments, string commandLine, CancellationToken cancellationToken)
    {
        await using var mcpgw = Start(arguments);

        await mcpgw.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(mcpgw.ExitCode, Is.Zero, mcpgw.Describe());
            Assert.That(mcpgw.OutputLines, Has.Some.StartsWith(commandLine));
            Assert.That(mcpgw.StandardError, Is.Empty);
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Help_OneSubcommand_OnlyItsOwnCommandLines(CancellationToken cancellationToken)
    {
        await using var mcpgw = Start(["audit", "verify", "--help"]);

        await mcpgw.WaitForExitAsync(cancellationToken);

        Assert.That(mcpgw.OutputLines, Has.Some.Contains("mcpgw audit verify"));
        Assert.That(mcpgw.OutputLines, Has.None.Contains("mcpgw serve").And.None.Contains("mcpgw audit query"));
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Help_Serve_ListsItsDocumentedExitCodes(CancellationToken cancellationToken)
    {
        await using var mcpgw = Start(["serve", "-h"]);

        await mcpgw.WaitForExitAsync(cancellationToken);

        Assert.That(mcpgw.OutputLines.SkipWhile(l => l != "Exit codes:").Skip(1).Select(l => l.Trim().Split(' ')[0]), Is.EqualTo(new[] { "0", "1", "2", "10", "11" }), mcpgw.Describe());
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Help_HelpCommand_SameAsTheHelpOption(CancellationToken cancellationToken)
    {
        await using var command = Start(["help", "audit", "verify"]);
        await command.WaitForExitAsync(cancellationToken);
        await using var option = Start(["audit", "verify", "--help"]);
        await option.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(command.ExitCode, Is.Zero, command.Describe());
            Assert.That(command.OutputLines, Is.EqualTo(option.OutputLines));
            Assert.That(command.OutputLines, Has.Some.StartsWith("  mcpgw audit verify --config FILE"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Version_Alone_TheProgramsInformationalVersionOnStdout(CancellationToken cancellationToken)
    {
        var expected = FileVersionInfo.GetVersionInfo(BuildOutputs.GatewayHostDll).ProductVersion;

        await using var mcpgw = Start(["--version"]);
        await mcpgw.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(mcpgw.ExitCode, Is.Zero, mcpgw.Describe());
            Assert.That(mcpgw.OutputLines, Is.EqualTo(new[] { expected }));
            Assert.That(expected, Does.StartWith("0."));
        });
    }

    [TestCase(new[] { "serve", "--confg", "gateway.json" }, "mcpgw serve: ", "'--confg'", "usage: mcpgw serve --config FILE")]
    [TestCase(new[] { "audit", "frobnicate" }, "mcpgw audit: ", "unknown command 'frobnicate'", "usage: mcpgw audit verify")]
    [TestCase(new[] { "launch", "--help" }, "mcpgw: ", "unknown command 'launch'", "run 'mcpgw --help' for every option")]
    [TestCase(new[] { "audit", "purge", "--config" }, "mcpgw audit purge: ", "--config", "usage: mcpgw audit purge --config FILE")]
    [TestCase(new[] { "tools" }, "mcpgw tools: ", "which command? list, approve", "usage: mcpgw tools list --config FILE")]
    [TestCase(new[] { "audit", "verify", "--config", "a.json", "--store", "b.db" }, "mcpgw audit verify: ", "give --config FILE or --store PATH, one of them", "usage: mcpgw audit verify")]
    [TestCase(new[] { "approvals", "list", "--token=eyJ", "--admin", "127.0.0.1:1" }, "mcpgw approvals list: ", "a token is never taken on the command line", "usage: mcpgw approvals list")]
    [TestCase(new[] { "approvals", "list", "--state", "bogus", "--admin", "127.0.0.1:1" }, "mcpgw approvals list: ", "'bogus'", "usage: mcpgw approvals list")]
    [TestCase(new[] { "replay", "--config", "gateway.json" }, "mcpgw replay: ", "SESSION", "usage: mcpgw replay SESSION --config FILE")]
    [TestCase(new[] { "audit", "prove", "0", "--store", "audit.db" }, "mcpgw audit prove: ", "SEQ 0 is not a record's sequence number (1 or more)", "usage: mcpgw audit prove SEQ")]
    [TestCase(new[] { "audit", "prove", "5", "--store", "audit.db", "--size", "12x" }, "mcpgw audit prove: ", "--size 12x is not a tree size", "usage: mcpgw audit prove SEQ")]
    [TestCase(new[] { "audit", "consistency", "1", "-2", "--store", "audit.db" }, "mcpgw audit consistency: ", "NEW -2 is not a tree size", "usage: mcpgw audit consistency OLD NEW")]
    [TestCase(new[] { "audit", "verify", "--store", "audit.db", "--log", "gw-1" }, "mcpgw audit verify: ", "--log names a log of a PostgreSQL store (--config); a SQLite file (--store) holds one log", "usage: mcpgw audit verify")]
    [TestCase(new[] { "audit", "prove", "3", "--store", "audit.db", "--log", "gw-1" }, "mcpgw audit prove: ", "--log names a log of a PostgreSQL store", "usage: mcpgw audit prove SEQ")]
    [TestCase(new[] { "audit", "check-proof", "--pubkey", "key.pem", "--public-key", "key.pem" }, "mcpgw audit check-proof: ", "unrecognized option '--pubkey'", "usage: mcpgw audit check-proof FILE|-")]
    [CancelAfter(30000)]
    public async Task Mistake_AnyCommand_NamedOnStderrWithUsageExitTwo(string[] arguments, string prefix, string named, string usage, CancellationToken cancellationToken)
    {
        await using var mcpgw = Start(arguments);

        await mcpgw.WaitForExitAsync(cancellationToken);

        var errorLines = mcpgw.StandardError.Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(mcpgw.ExitCode, Is.EqualTo(MainCommand.BadUsage), mcpgw.Describe());
            Assert.That(errorLines, Has.Some.StartsWith(prefix).And.Some.Contains(named), mcpgw.Describe());
            Assert.That(errorLines, Has.Some.StartsWith(usage));
            Assert.That(mcpgw.StandardError, Does.Not.Contain("   at ").And.Not.Contain("Exception"), "no stack trace");
            Assert.That(mcpgw.OutputLines, Is.Empty, "stdout stays clean for scripts");
        });
    }

    [Test]
    [CancelAfter(60000)]
    public async Task ConfigCheck_FileGivenPositionallyOrWithConfig_SameSummaryExitZero(CancellationToken cancellationToken)
    {
        var config = Path.Combine(_directory, "gateway.json");
        await File.WriteAllTextAsync(config, new JsonObject
        {
            ["listen"] = "127.0.0.1:7400",
            ["auth"] = new JsonObject { ["mode"] = "none" },
            ["connections"] = new JsonObject { ["e"] = new JsonObject { ["transport"] = "tcp", ["host"] = "127.0.0.1", ["port"] = 7401 } },
        }.ToJsonString(), cancellationToken);

        await using var positional = Start(["config", "check", config]);
        await positional.WaitForExitAsync(cancellationToken);
        await using var option = Start(["config", "check", "--config", config]);
        await option.WaitForExitAsync(cancellationToken);
        await using var both = Start(["config", "check", config, "--config", config]);
        await both.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(option.ExitCode, Is.Zero, option.Describe());
            Assert.That(option.OutputLines, Has.One.StartsWith($"{config}: valid; listen 127.0.0.1:7400"));
            Assert.That((positional.ExitCode, positional.OutputLines), Is.EqualTo((option.ExitCode, option.OutputLines)), positional.Describe());
            Assert.That(both.ExitCode, Is.EqualTo(MainCommand.BadUsage), both.Describe());
            Assert.That(both.StandardError, Does.Contain("give the configuration file once"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task ConfigCheck_InvalidFile_ExitOneNotUsage(CancellationToken cancellationToken)
    {
        var config = Path.Combine(_directory, "bad.json");
        await File.WriteAllTextAsync(config, """{ "listen": "127.0.0.1:7400", "auth": { "mode": "none" }, "connections": {}, "maxDepth": "sixty-four" }""", cancellationToken);

        await using var mcpgw = Start(["config", "check", "--config", config]);
        await mcpgw.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(mcpgw.ExitCode, Is.EqualTo(1), mcpgw.Describe());
            Assert.That(mcpgw.StandardError, Does.Contain("maxDepth"));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task NoCommand_TheOverviewOnStdoutExitZero(CancellationToken cancellationToken)
    {
        await using var mcpgw = Start([]);

        await mcpgw.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(mcpgw.ExitCode, Is.Zero, mcpgw.Describe());
            Assert.That(mcpgw.OutputLines, Has.Some.StartsWith("  mcpgw audit purge --config FILE").And.Some.StartsWith("  mcpgw approvals deny ID"));
            Assert.That(mcpgw.StandardError, Is.Empty);
        });
    }

    private static ChildProcess Start(string[] arguments)
    {
        Assert.That(BuildOutputs.GatewayHostDll, Does.Exist);
        return ChildProcess.Start("dotnet", [BuildOutputs.GatewayHostDll, .. arguments]);
    }
}
