using McpGateway.Tests.EndToEnd.Protocol;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.Operations;

/// <summary><c>--help</c> after any command, as a user types it: that command's usage on stdout, exit 0, nothing on stderr.</summary>
[TestFixture]
internal sealed class CommandHelpTests
{
    [TestCase(new[] { "--help" }, "mcpgw serve --config FILE")]
    [TestCase(new[] { "serve", "--help" }, "mcpgw serve --config FILE")]
    [TestCase(new[] { "serve", "--config", "gateway.json", "--help" }, "mcpgw serve --config FILE")]
    [TestCase(new[] { "config", "check", "--help" }, "mcpgw config check --config FILE")]
    [TestCase(new[] { "audit", "verify", "--help" }, "mcpgw audit verify --config FILE")]
    [TestCase(new[] { "audit", "query", "-h" }, "mcpgw audit query --config FILE")]
    [TestCase(new[] { "replay", "--help" }, "mcpgw replay SESSION --config FILE")]
    [TestCase(new[] { "tools", "approve", "--help" }, "mcpgw tools approve --config FILE")]
    [TestCase(new[] { "demo", "--help" }, "mcpgw demo")]
    [TestCase(new[] { "bridge", "--help" }, "--gateway")]
    [TestCase(new[] { "approvals", "--help" }, "approve ID")]
    [CancelAfter(30000)]
    public async Task Help_AfterACommand_UsageOnStdoutExitZero(string[] arguments, string expected, CancellationToken cancellationToken)
    {
        await using var mcpgw = ChildProcess.Start("dotnet", [BuildOutputs.GatewayHostDll, .. arguments]);

        await mcpgw.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(mcpgw.ExitCode, Is.Zero, mcpgw.Describe());
            Assert.That(string.Join('\n', mcpgw.OutputLines), Does.Contain(expected));
            Assert.That(mcpgw.StandardError, Is.Empty);
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Help_ForOneSubcommand_OnlyItsEntries(CancellationToken cancellationToken)
    {
        await using var mcpgw = ChildProcess.Start("dotnet", [BuildOutputs.GatewayHostDll, "audit", "verify", "--help"]);

        await mcpgw.WaitForExitAsync(cancellationToken);

        Assert.That(mcpgw.OutputLines, Has.Some.Contains("mcpgw audit verify"));
        Assert.That(mcpgw.OutputLines, Has.None.Contains("mcpgw serve").And.None.Contains("mcpgw audit query"));
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Help_UnknownCommand_ExitsTwoOnStderr(CancellationToken cancellationToken)
    {
        await using var mcpgw = ChildProcess.Start("dotnet", [BuildOutputs.GatewayHostDll, "launch", "--help"]);

        await mcpgw.WaitForExitAsync(cancellationToken);

        Assert.That(mcpgw.ExitCode, Is.EqualTo(2), mcpgw.Describe());
        Assert.That(mcpgw.StandardError, Does.Contain("mcpgw: unknown command 'launch'"));
    }
}
