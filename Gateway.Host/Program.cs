using McpGateway.Core.Hosting;
using McpGateway.Host.Commands;

// Before the first socket: the runtime reads this once.
SocketEngine.PreferInlineCompletions();

// COMMAND --help (or -h) anywhere after the command: that command's usage on stdout, exit 0. bridge and approvals
// have help of their own.
if (args is [not ("bridge" or "approvals"), ..] && Array.FindIndex(args, a => a is "--help" or "-h") is > 0 and var help)
{
    var command = args[..help].TakeWhile(a => !a.StartsWith('-')).ToArray();
    return Usage.Help(command, Console.Out) || Usage.Help(command[..1], Console.Out) ? 0 : Usage.Print(args);
}

return args switch
{
    ["serve", .. var rest] => await ServeCommand.RunAsync(rest),
    ["demo", .. var rest] => await DemoCommand.RunAsync(rest),
    ["bridge", .. var rest] => await BridgeCommand.RunAsync(rest),
    ["config", "check", .. var rest] => ConfigCheckCommand.Run(rest, Console.Out, Console.Error),
    ["tools", .. var rest] => ToolsCommand.Run(rest, Console.Out, Console.Error),
    ["audit", .. var rest] => await AuditCommand.RunAsync(rest, Console.Out, Console.Error),
    ["replay", .. var rest] => await ReplayCommand.RunAsync(rest, Console.Out, Console.Error),
    ["approvals", .. var rest] => await ApprovalsCommand.RunAsync(rest, Console.Out, Console.Error),
    ["--version"] => Usage.Version(),
    _ => Usage.Print(args),
};
