using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Core.Hosting;
using McpGateway.Inspectors.Policy;
using McpGateway.Host.Commands;

namespace McpGateway.Host.Demo;

/// <summary>
/// The approvals part of <c>mcpgw demo</c>: <c>get-sum</c> is held by an approve rule, an approver (a token for
/// <see cref="Approver"/> from the development issuer, in a file) finds and approves it with the code of <c>mcpgw
/// approvals list</c> and <c>approve</c> against the gateway's admin API, and the call completes.
/// </summary>
internal static class ApprovalDemo
{
    public const string Approver = "agent-approver";
    public const string ApproverGroup = "mcp-approvers";
    public const string RuleId = "sums-need-approval";

    /// <summary>Allows everything, but holds <c>get-sum</c> for one approval from <see cref="ApproverGroup"/>.</summary>
    public static CompiledPolicy Policy(string connection)
    {
        var options = new PolicyOptions { Default = "allow" };
        var rule = new PolicyRuleOptions { Id = RuleId, Action = "approve", ApprovalTimeout = TimeSpan.FromMinutes(1) };
        rule.ApproverGroups.Add(ApproverGroup);
        rule.Match.Tools.Add("get-sum");
        options.Rules.Add(rule);
        var errors = new List<string>();
        return PolicyCompiler.Compile(options, [connection], errors) ?? throw new InvalidOperationException(string.Join("; ", errors));
    }

    /// <summary>Sends the held call on <paramref name="client"/>, approves it through the CLI path, and returns the call's response.</summary>
    public static async Task<JsonObject> CallAndApproveAsync(LineClient client, int id, JsonObject call, GatewayApplication gateway, DevelopmentIssuer issuer, string directory, CancellationToken cancellationToken)
    {
        var response = client.RequestAsync(id, "tools/call", call, null, cancellationToken);
        var tokenFile = Path.Combine(directory, "approver.token");
        await File.WriteAllTextAsync(tokenFile, issuer.IssueToken(Approver, [ApproverGroup], TimeSpan.FromMinutes(5)), cancellationToken);
        string[] connection = ["--admin", $"http://{gateway.AdminEndpoint}", "--token-file", tokenFile];

        var approvalId = await PendingAsync(connection, response, cancellationToken);
        Console.WriteLine($"     .. held by rule {RuleId}: approval {approvalId} waits for one approver from {ApproverGroup}");
        Console.WriteLine($"  $ mcpgw approvals approve {approvalId} --reason \"small numbers\" --admin http://{gateway.AdminEndpoint} --token-file approver.token   (as {Approver})");
        Console.Write("     ");
        var exit = await ApprovalsCommand.RunAsync(["approve", approvalId, "--reason", "small numbers", .. connection], Console.Out, Console.Error, cancellationToken);
        if (exit != 0)
        {
            throw new InvalidOperationException($"mcpgw approvals approve exited with {exit}");
        }

        return await response;
    }

    /// <summary>The id of the pending request, as <c>mcpgw approvals list --state pending --json</c> shows it once the gate stored it.</summary>
    private static async Task<string> PendingAsync(string[] connection, Task<JsonObject> response, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var output = new StringWriter();
            var exit = await ApprovalsCommand.RunAsync(["list", "--state", "pending", "--json", .. connection], output, Console.Error, cancellationToken);
            if (exit != 0)
            {
                throw new InvalidOperationException($"mcpgw approvals list exited with {exit}");
            }

            var line = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            if (line is not null)
            {
                return (string)JsonNode.Parse(line)!["id"]!;
            }

            if (response.IsCompleted)
            {
                throw new InvalidOperationException($"the call was not held: {(await response).ToJsonString()}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }
}
