using McpGateway.Host.Commands;

return args switch
{
    ["serve", .. var rest] => await ServeCommand.RunAsync(rest),
    ["demo", .. var rest] => await DemoCommand.RunAsync(rest),
    ["bridge", .. var rest] => await BridgeCommand.RunAsync(rest),
    ["--version"] => Usage.Version(),
    _ => Usage.Print(args),
};
