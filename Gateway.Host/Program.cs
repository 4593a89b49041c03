using McpGateway.Core.Hosting;
using McpGateway.Host.Commands;

// Before the first socket: the runtime reads this once.
SocketEngine.PreferInlineCompletions();

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
