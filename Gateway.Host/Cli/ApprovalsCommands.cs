using System.CommandLine;
using McpGateway.Host.Approvals;
using McpGateway.Host.Commands;

namespace McpGateway.Host.Cli;

/// <summary><c>mcpgw approvals list | show | reveal | approve | deny</c>: the approvers' command line over the admin API.</summary>
internal static class ApprovalsCommands
{
    private static readonly string[] States = ["pending", "approved", "denied", "timed_out", "withdrawn"];

    public static GatewayCommand Create()
    {
        var group = new GatewayCommand("approvals", $"calls held for approval, and the approvers' votes, through the gateway's admin API (--admin URL, or the admin section of --config FILE); the bearer token from --token-file FILE, else the {ApprovalsCommand.TokenVariable} variable")
        {
            ExitCodes = Exits,
        };
        group.Subcommands.Add(List());
        group.Subcommands.Add(Single("show", "one request: the call, its masked arguments, the votes", "mcpgw approvals show ID [--json]"));
        group.Subcommands.Add(Single("reveal", "one request's raw arguments (members of approvals.revealGroups only; the look is recorded)", "mcpgw approvals reveal ID [--json]"));
        group.Subcommands.Add(Approve());
        group.Subcommands.Add(Deny());
        return group;
    }

    private const string Exits = """
        0 ok, 1 refused by the desk (self-approval, not an approver of the rule, already voted, no longer pending),
        2 usage, 3 not found, 4 authentication failed, 5 admin API unreachable, 6 unexpected answer from the admin API
        """;

    private static GatewayCommand List()
    {
        var state = CommonOptions.Value("--state", "STATE", "only requests in this state");
        state.AcceptOnlyFromAmong(States);
        var json = Json();
        var command = Verb("list", "calls held for approval, newest first", "mcpgw approvals list [--state pending|approved|denied|timed_out|withdrawn] [--json]", out var reach);
        command.Options.Add(state);
        command.Options.Add(json);
        command.SetAction((result, cancellationToken) =>
            Run(result, "list", null, reach, [("state", state)], result.GetValue(json), false, cancellationToken));
        return command;
    }

    private static GatewayCommand Single(string verb, string description, string synopsis)
    {
        var id = Id();
        var json = Json();
        var command = Verb(verb, description, synopsis, out var reach);
        command.Arguments.Add(id);
        command.Options.Add(json);
        command.SetAction((result, cancellationToken) =>
            Run(result, verb, result.GetRequiredValue(id), reach, [], result.GetValue(json), false, cancellationToken));
        return command;
    }

    private static GatewayCommand Approve()
    {
        var id = Id();
        var reason = CommonOptions.Value("--reason", "R", "why, for the audit trail");
        var grant = CommonOptions.Value("--grant", "DURATION", "also let the same caller make this call without asking for DURATION (e.g. 30m, 2h)");
        var sameArguments = new Option<bool>("--same-arguments") { Description = "the grant covers only calls with these same arguments (needs --grant)" };
        var command = Verb("approve", "vote to let the held call through", "mcpgw approvals approve ID [--reason R] [--grant DURATION [--same-arguments]]", out var reach);
        command.Arguments.Add(id);
        command.Options.Add(reason);
        command.Options.Add(grant);
        command.Options.Add(sameArguments);
        command.Validators.Add(result =>
        {
            if (result.GetResult(sameArguments) is not null && result.GetResult(grant) is null)
            {
                result.AddError("--same-arguments narrows a grant: give --grant DURATION too");
            }
        });
        command.SetAction((result, cancellationToken) =>
            Run(result, "approve", result.GetRequiredValue(id), reach, [("reason", reason), ("grant", grant)], false, result.GetValue(sameArguments), cancellationToken));
        return command;
    }

    private static GatewayCommand Deny()
    {
        var id = Id();
        var reason = CommonOptions.Value("--reason", "R", "why, shown to the caller and kept in the audit trail", required: true);
        reason.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
            {
                result.AddError("--reason must say why");
            }
        });
        var command = Verb("deny", "vote to refuse the held call", "mcpgw approvals deny ID --reason R", out var reach);
        command.Arguments.Add(id);
        command.Options.Add(reason);
        command.SetAction((result, cancellationToken) =>
            Run(result, "deny", result.GetRequiredValue(id), reach, [("reason", reason)], false, false, cancellationToken));
        return command;
    }

    /// <summary>A verb with the options every verb takes: where the admin API is, and the token.</summary>
    private static GatewayCommand Verb(string name, string description, string synopsis, out (Option<string> Name, string Key)[] reach)
    {
        var command = new GatewayCommand(name, description)
        {
            Synopsis = [synopsis + " (--admin URL | --config FILE) [--token-file FILE]"],
            ExitCodes = Exits,
        };
        reach =
        [
            (CommonOptions.Value("--admin", "URL", "the admin API (http:// only on loopback)"), "admin"),
            (CommonOptions.Value("--config", "FILE", "the gateway's configuration, whose admin section says where the admin API is"), "config"),
            (CommonOptions.Value("--token-file", "FILE", $"read the bearer token from FILE (default: the {ApprovalsCommand.TokenVariable} variable)"), "token-file"),
        ];
        foreach (var (option, _) in reach)
        {
            command.Options.Add(option);
        }

        command.Options.Add(CommonOptions.Refused("--token",
            $"a token is never taken on the command line (it would show in the process list and the shell history); use --token-file FILE or {ApprovalsCommand.TokenVariable}"));
        return command;
    }

    private static Argument<string> Id() => new("ID") { Description = "the approval request's id, as list shows it" };

    private static Option<bool> Json() => new("--json") { Description = "the admin API's JSON instead of text" };

    private static Task<int> Run(
        ParseResult result, string verb, string? id, (Option<string> Option, string Key)[] reach, (string Key, Option<string> Option)[] own, bool json, bool sameArguments, CancellationToken cancellationToken)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (option, key) in reach)
        {
            if (result.GetValue(option) is { } value)
            {
                options[key] = value;
            }
        }

        foreach (var (key, option) in own)
        {
            if (result.GetValue(option) is { } value)
            {
                options[key] = value;
            }
        }

        return ApprovalsCommand.RunAsync(verb, id, options, json, sameArguments, CommonOptions.Output(result), CommonOptions.Error(result), cancellationToken);
    }
}
