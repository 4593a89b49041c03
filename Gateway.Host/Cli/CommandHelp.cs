using System.CommandLine;
using System.CommandLine.Invocation;

namespace McpGateway.Host.Cli;

/// <summary>
/// <c>--help</c> on any command: System.CommandLine's help (description, usage, arguments, options, subcommands), then
/// the command lines of that command and of every command under it (so <c>mcpgw --help</c> shows every form and
/// <c>mcpgw audit verify --help</c> only its own), then its exit codes. All on the command's output (stdout), exit 0.
/// </summary>
internal sealed class CommandHelp(SynchronousCommandLineAction standard) : SynchronousCommandLineAction
{
    public const string GeneralExitCodes = "0 done, 1 the operation failed (the message says why), 2 usage: an unknown command or option, a missing or malformed value";

    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        standard.Invoke(parseResult);
        var command = parseResult.CommandResult.Command;
        var output = parseResult.InvocationConfiguration.Output;
        var forms = UsageLines(command).ToList();
        if (forms.Count > 0)
        {
            output.WriteLine("Command lines:");
            foreach (var line in forms)
            {
                output.WriteLine("  " + line);
            }

            output.WriteLine();
        }

        output.WriteLine("Exit codes:");
        foreach (var line in (command is GatewayCommand { ExitCodes: { } own } ? own : GeneralExitCodes).Split('\n'))
        {
            output.WriteLine("  " + line.TrimEnd());
        }

        return 0;
    }

    /// <summary>The command lines of <paramref name="command"/> and every command under it, in declaration order.</summary>
    public static IEnumerable<string> UsageLines(Command command)
    {
        if (command is GatewayCommand { Synopsis: var own })
        {
            foreach (var line in own)
            {
                yield return line;
            }
        }

        foreach (var child in command.Subcommands.Where(c => !c.Hidden))
        {
            foreach (var line in UsageLines(child))
            {
                yield return line;
            }
        }
    }
}
