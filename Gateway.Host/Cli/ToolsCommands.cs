using System.CommandLine;
using McpGateway.Host.Commands;

namespace McpGateway.Host.Cli;

/// <summary><c>mcpgw tools list | approve</c>: the pinned tool definitions of the configuration's <c>policy.pins</c>.</summary>
internal static class ToolsCommands
{
    public static GatewayCommand Create()
    {
        var group = new GatewayCommand("tools", "the pinned tool definitions, and changes awaiting approval (policy.pins)");

        var listConfig = CommonOptions.Config();
        var list = new GatewayCommand("list", "the pinned tool definitions and any change awaiting approval")
        {
            Synopsis = ["mcpgw tools list --config FILE"],
        };
        list.Options.Add(listConfig);
        list.SetAction(result => ToolsCommand.List(result.GetRequiredValue(listConfig), CommonOptions.Output(result), CommonOptions.Error(result)));

        var approveConfig = CommonOptions.Config();
        var connection = CommonOptions.Value("--connection", "NAME", "the connection whose tool changed", required: true);
        var tool = CommonOptions.Value("--tool", "NAME", "the tool whose new definition to accept", required: true);
        var approve = new GatewayCommand("approve", "accept a changed tool definition; a running gateway picks it up within its policy reload interval")
        {
            Synopsis = ["mcpgw tools approve --config FILE --connection NAME --tool NAME"],
        };
        approve.Options.Add(approveConfig);
        approve.Options.Add(connection);
        approve.Options.Add(tool);
        approve.SetAction(result => ToolsCommand.Approve(
            result.GetRequiredValue(approveConfig), result.GetRequiredValue(connection), result.GetRequiredValue(tool), CommonOptions.Output(result), CommonOptions.Error(result)));

        group.Subcommands.Add(list);
        group.Subcommands.Add(approve);
        return group;
    }
}
