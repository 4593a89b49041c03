using System.Text.Json.Nodes;
using McpGateway.Host.Approvals;
using McpGateway.Host.Commands;
using McpGateway.Tests.EndToEnd.Protocol;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.Approval;

/// <summary>
/// <c>mcpgw approvals</c> as an approver runs it, against a real gateway's admin API with tokens from the real
/// oidc-provider: in-process through its entry point, and once as <c>dotnet mcpgw.dll</c> with the token in
/// <c>MCPGW_TOKEN</c>; every outcome with its documented exit code.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class ApprovalsCliTests
{
    private ApproverRig _rig = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _rig = await ApproverRig.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _rig.DisposeAsync();

    private static async Task<(int Exit, string Output, string Error)> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await ApprovalsCommand.RunAsync(args, output, error, cancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    private async Task<string[]> AsAsync(string subject, CancellationToken cancellationToken) =>
        ["--admin", _rig.AdminUrl, "--token-file", await _rig.TokenFileAsync(subject, cancellationToken)];

    [Test]
    [CancelAfter(30_000)]
    public async Task ListShowApprove_AdminFindsAndApprovesAliceWrite_CallCompletesAndExitCodesAreZero(CancellationToken cancellationToken)
    {
        var target = Path.Combine(_rig.Files, "cli-approved.txt");
        var (client, id) = await _rig.HoldAsync(OidcProvider.Alice, "w", "write_file", ApproverRig.Write(target, "via the CLI"), cancellationToken);
        await using var _ = client;
        var admin = await AsAsync(OidcProvider.Admin, cancellationToken);

        var table = await RunAsync(cancellationToken, ["list", .. admin]);
        var lines = await RunAsync(cancellationToken, ["list", "--state", "pending", "--json", .. admin]);
        var show = await RunAsync(cancellationToken, ["show", id, .. admin]);
        var approve = await RunAsync(cancellationToken, ["approve", id, "--reason", "looks right", .. admin]);
        var response = await client.ReadResponseAsync("w", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(table.Exit, Is.Zero, table.Error);
            Assert.That(table.Output, Does.StartWith("ID").And.Contain(id).And.Contain("write_file"));
            Assert.That(lines.Exit, Is.Zero, lines.Error);
            Assert.That(lines.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (string?)JsonNode.Parse(l)!["id"]), Does.Contain(id));
            Assert.That(show.Exit, Is.Zero, show.Error);
            Assert.That(show.Output, Does.Contain($"approval {id}: pending").And.Contain($"requested by  {OidcProvider.Alice}").And.Contain("rule writes").And.Contain("0/1 from mcp-admins"));
            Assert.That(approve.Exit, Is.EqualTo(ApprovalsExitCodes.Ok), approve.Error);
            Assert.That(approve.Output.Trim(), Is.EqualTo($"approval {id}: approved"));
            Assert.That(response["result"], Is.Not.Null, response.ToJsonString());
            Assert.That(File.ReadAllText(target), Is.EqualTo("via the CLI"));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task DenyAndRefusals_ExitCodesSayWhatHappened(CancellationToken cancellationToken)
    {
        var (own, ownId) = await _rig.HoldAsync(OidcProvider.Admin, "o", "write_file", ApproverRig.Write(Path.Combine(_rig.Files, "cli-own.txt"), "mine"), cancellationToken);
        await using var _ = own;
        var target = Path.Combine(_rig.Files, "cli-denied.txt");
        var (client, id) = await _rig.HoldAsync(OidcProvider.Alice, "d", "write_file", ApproverRig.Write(target, "no"), cancellationToken);
        await using var __ = client;
        var admin = await AsAsync(OidcProvider.Admin, cancellationToken);
        var alice = await AsAsync(OidcProvider.Alice, cancellationToken);

        var self = await RunAsync(cancellationToken, ["approve", ownId, .. admin]);
        var notApprover = await RunAsync(cancellationToken, ["approve", ownId, .. alice]);
        var tooLong = await RunAsync(cancellationToken, ["approve", id, "--grant", "02:00:00", "--same-arguments", .. admin]);
        var forbidden = await RunAsync(cancellationToken, ["list", .. await AsAsync(OidcProvider.NoGroups, cancellationToken)]);
        var deny = await RunAsync(cancellationToken, ["deny", id, "--reason", "four eyes", .. admin]);
        var response = await client.ReadResponseAsync("d", cancellationToken);
        var late = await RunAsync(cancellationToken, ["deny", id, "--reason", "again", .. admin]);
        var missing = await RunAsync(cancellationToken, ["show", "0123456789abcdef", .. admin]);

        Assert.Multiple(() =>
        {
            Assert.That((self.Exit, self.Error.Trim()), Is.EqualTo((ApprovalsExitCodes.Refused, "mcpgw: refused: self_approval (nobody approves their own request)")));
            Assert.That(notApprover.Exit, Is.EqualTo(ApprovalsExitCodes.NotFound), notApprover.Error);
            Assert.That(notApprover.Error, Does.Contain("not_found"), "another group's request is not revealed");
            Assert.That(tooLong.Exit, Is.EqualTo(ApprovalsExitCodes.Refused), tooLong.Error);
            Assert.That(tooLong.Error, Does.Contain("grant_not_allowed"));
            Assert.That(forbidden.Exit, Is.EqualTo(ApprovalsExitCodes.AuthFailed), forbidden.Error);
            Assert.That((deny.Exit, deny.Output.Trim()), Is.EqualTo((ApprovalsExitCodes.Ok, $"approval {id}: denied")), deny.Error);
            Assert.That((int?)response["error"]?["code"], Is.EqualTo(-31004));
            Assert.That((string?)response["error"]?["data"]?["approverReason"], Is.EqualTo("four eyes"));
            Assert.That(late.Exit, Is.EqualTo(ApprovalsExitCodes.Refused), late.Error);
            Assert.That(late.Error, Does.Contain("not_pending"));
            Assert.That(missing.Exit, Is.EqualTo(ApprovalsExitCodes.NotFound), missing.Error);
            Assert.That(File.Exists(target), Is.False);
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Deny_ReasonStartingWithAtThatNamesAFile_KeptAsWrittenNotReplacedByTheFile(CancellationToken cancellationToken)
    {
        // "@notes" is what an approver may well type; a file of that name must not become the command line.
        var notes = Path.Combine(_rig.Files, "notes");
        await File.WriteAllTextAsync(notes, "looks fine", cancellationToken);
        var (client, id) = await _rig.HoldAsync(OidcProvider.Alice, "r", "write_file", ApproverRig.Write(Path.Combine(_rig.Files, "cli-at.txt"), "no"), cancellationToken);
        await using var _ = client;
        var admin = await AsAsync(OidcProvider.Admin, cancellationToken);

        var deny = await RunAsync(cancellationToken, ["deny", id, "--reason", "@" + notes, .. admin]);
        var response = deny.Exit == ApprovalsExitCodes.Ok ? await client.ReadResponseAsync("r", cancellationToken) : new JsonObject();

        Assert.Multiple(() =>
        {
            Assert.That(deny.Exit, Is.EqualTo(ApprovalsExitCodes.Ok), deny.Error);
            Assert.That((string?)response["error"]?["data"]?["approverReason"], Is.EqualTo("@" + notes));
        });
    }

    [Test]
    public void Printable_ControlCharactersFromTheApi_WrittenAsEscapesNotSentToTheTerminal()
    {
        // Built here: test names and arguments with control characters do not survive the test adapter.
        var escape = (char)0x1b;
        var csi = (char)0x9b;

        Assert.Multiple(() =>
        {
            Assert.That(ApprovalsCommand.Printable("write_file"), Is.EqualTo("write_file"));
            Assert.That(ApprovalsCommand.Printable($"write{escape}[2K\rread_file"), Is.EqualTo("write\\u001b[2K\\u000dread_file"));
            Assert.That(ApprovalsCommand.Printable($"ok{csi}31m"), Is.EqualTo("ok\\u009b31m"));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Arguments_UsageTokenAndReachMistakes_EachWithItsExitCode(CancellationToken cancellationToken)
    {
        var admin = await AsAsync(OidcProvider.Admin, cancellationToken);
        var garbage = Path.Combine(_rig.Directory, "garbage.token");
        await File.WriteAllTextAsync(garbage, "not-a-jwt", cancellationToken);
        var localConfig = Path.Combine(_rig.Directory, "picked-port.json");
        await File.WriteAllTextAsync(localConfig, (await File.ReadAllTextAsync(_rig.ConfigPath, cancellationToken)).Replace(
            $"\"listen\": \"127.0.0.1:{_rig.Gateway.Application.AdminEndpoint!.Port}\"", "\"listen\": \"127.0.0.1:0\"", StringComparison.Ordinal), cancellationToken);

        var cases = new (string[] Args, int Expected)[]
        {
            ([], ApprovalsExitCodes.Usage),
            (["list", "--token", "eyJ...", "--admin", _rig.AdminUrl], ApprovalsExitCodes.Usage),
            (["deny", "abc", .. admin], ApprovalsExitCodes.Usage),
            (["approve", "abc", "--same-arguments", .. admin], ApprovalsExitCodes.Usage),
            (["approve", "abc", "--grant", "soon", .. admin], ApprovalsExitCodes.Usage),
            (["list", "--state", "bogus", .. admin], ApprovalsExitCodes.Usage),
            (["list", "--token-file", admin[3]], ApprovalsExitCodes.Usage),
            (["list", "--config", localConfig, "--token-file", admin[3]], ApprovalsExitCodes.Usage),
            (["list", "--admin", _rig.AdminUrl, "--token-file", garbage], ApprovalsExitCodes.AuthFailed),
            (["list", "--admin", _rig.AdminUrl, "--token-file", Path.Combine(_rig.Directory, "absent.token")], ApprovalsExitCodes.AuthFailed),
            (["list", "--admin", $"127.0.0.1:{OidcProvider.FreePort()}", "--token-file", admin[3]], ApprovalsExitCodes.Unreachable),
            (["list", "--admin", "http://approvals.example:7401", "--token-file", admin[3]], ApprovalsExitCodes.Usage),
            (["list", "--config", _rig.ConfigPath, "--token-file", admin[3]], ApprovalsExitCodes.Ok),
        };
        var results = new List<(string, int, string)>();
        foreach (var (args, _) in cases)
        {
            var (exit, _, error) = await RunAsync(cancellationToken, args);
            results.Add((string.Join(' ', args), exit, error));
        }

        Assert.That(results.Select(r => r.Item2), Is.EqualTo(cases.Select(c => c.Expected)), string.Join("\n", results));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Approve_BuiltProgramWithTokenInEnvironment_ExitsZeroAndTheCallCompletes(CancellationToken cancellationToken)
    {
        var target = Path.Combine(_rig.Files, "cli-process.txt");
        var (client, id) = await _rig.HoldAsync(OidcProvider.Alice, "p", "write_file", ApproverRig.Write(target, "from mcpgw.dll"), cancellationToken);
        await using var _ = client;
        var token = await _rig.Provider.GetTokenAsync(OidcProvider.Admin, cancellationToken);

        await using var mcpgw = ChildProcess.Start(
            "dotnet",
            [BuildOutputs.GatewayHostDll, "approvals", "approve", id, "--config", _rig.ConfigPath, "--reason", "shipped"],
            new Dictionary<string, string?> { [ApprovalsCommand.TokenVariable] = token });
        await mcpgw.WaitForExitAsync(cancellationToken);
        var response = await client.ReadResponseAsync("p", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(mcpgw.ExitCode, Is.Zero, mcpgw.Describe());
            Assert.That(mcpgw.OutputLines, Has.Some.EqualTo($"approval {id}: approved"));
            Assert.That(response["result"], Is.Not.Null, response.ToJsonString());
            Assert.That(File.ReadAllText(target), Is.EqualTo("from mcpgw.dll"));
        });
    }
}
