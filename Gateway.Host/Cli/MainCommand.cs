using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace McpGateway.Host.Cli;

/// <summary>
/// The command line of <c>mcpgw</c>: every command, its options and its help, parsed by System.CommandLine. A mistake
/// (an unknown command or option, a missing or malformed value) is named on stderr with the command's usage lines and
/// exits <see cref="BadUsage"/>; <c>--help</c> anywhere prints that command's help on stdout and exits 0.
/// </summary>
internal static class MainCommand
{
    /// <summary>The command line is wrong; nothing was done.</summary>
    public const int BadUsage = 2;

    public const string Description = "McpGateway: a security gateway in front of MCP servers (authentication, policy, approvals, masking, audit).";

    /// <summary>
    /// No response files: System.CommandLine would replace any word starting with <c>@</c> (a deny reason such as
    /// "@oncall", a scope) by the words of the file it names, parsed as options.
    /// </summary>
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    public static RootCommand Create(TimeProvider timeProvider)
    {
        var root = new RootCommand(Description);
        root.Subcommands.Add(GatewayCommands.Serve());
        root.Subcommands.Add(GatewayCommands.Demo());
        root.Subcommands.Add(GatewayCommands.Config());
        root.Subcommands.Add(GatewayCommands.Bridge());
        root.Subcommands.Add(ToolsCommands.Create());
        root.Subcommands.Add(AuditCommands.Create(timeProvider));
        root.Subcommands.Add(AuditCommands.Replay(timeProvider));
        root.Subcommands.Add(ApprovalsCommands.Create());
        root.Subcommands.Add(HelpCommand(timeProvider));
        foreach (var option in root.Options)
        {
            switch (option)
            {
                case HelpOption { Action: SynchronousCommandLineAction standard } help:
                    help.Action = new CommandHelp(standard);
                    break;
                case VersionOption version:
                    version.Action = new VersionAction();
                    break;
            }
        }

        // mcpgw alone: the overview, as --help.
        root.SetAction(result => Help(result));
        return root;
    }

    /// <summary><c>mcpgw help audit verify</c>: the same as <c>mcpgw audit verify --help</c>.</summary>
    private static GatewayCommand HelpCommand(TimeProvider timeProvider)
    {
        var words = new Argument<string[]>("COMMAND") { Description = "the command, e.g. audit verify", Arity = ArgumentArity.ZeroOrMore };
        var command = new GatewayCommand("help", "the help of a command, as COMMAND --help shows it")
        {
            Synopsis = ["mcpgw help [COMMAND ...]"],
        };
        command.Arguments.Add(words);
        command.SetAction((result, cancellationToken) => InvokeAsync(
            [.. result.GetValue(words) ?? [], "--help"], result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, timeProvider, cancellationToken));
        return command;
    }

    public static Task<int> InvokeAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        var result = Create(timeProvider).Parse(args, Parsing);
        return Rejected(result, error) is { } exit ? Task.FromResult(exit) : result.InvokeAsync(Configuration(output, error), cancellationToken);
    }

    /// <summary>As <see cref="InvokeAsync"/>, for the commands that do their work synchronously.</summary>
    public static int Invoke(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var result = Create(TimeProvider.System).Parse(args, Parsing);
        return Rejected(result, error) ?? result.Invoke(Configuration(output, error));
    }

    /// <summary>The help of the command <paramref name="result"/> names, on its output; exit 0.</summary>
    public static int Help(ParseResult result) =>
        result.RootCommandResult.Command.Options.OfType<HelpOption>().Single().Action is SynchronousCommandLineAction help ? help.Invoke(result) : 0;

    private static InvocationConfiguration Configuration(TextWriter output, TextWriter error) => new()
    {
        Output = output,
        Error = error,
        // serve and bridge handle SIGTERM and Ctrl+C themselves (a drain takes longer than any fixed grace period).
        ProcessTerminationTimeout = null,
        EnableDefaultExceptionHandler = false,
    };

    /// <summary>Null when the command line is usable (or asks for help); otherwise names each mistake and returns the exit code.</summary>
    private static int? Rejected(ParseResult result, TextWriter error)
    {
        // Help clears the parse errors, but not a word that is no command or option here: "mcpgw launch --help" is a mistake.
        var command = result.CommandResult.Command;
        var unmatched = command.TreatUnmatchedTokensAsErrors ? result.UnmatchedTokens : [];
        if (unmatched.Count == 0 && (result.Errors.Count == 0 || result.Action is CommandHelp))
        {
            return null;
        }

        var path = Path(command);
        if (command.Subcommands.Count > 0 && unmatched is [var first, ..] && !first.StartsWith('-'))
        {
            error.WriteLine($"{path}: unknown command '{first}'");
        }
        else if (command.Subcommands.Count > 0 && command.Action is null && unmatched.Count == 0)
        {
            error.WriteLine($"{path}: which command? {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}");
        }
        else if (result.Errors.Count > 0)
        {
            foreach (var parseError in result.Errors)
            {
                error.WriteLine($"{path}: {parseError.Message}");
            }
        }
        else
        {
            foreach (var token in unmatched)
            {
                error.WriteLine($"{path}: unrecognized option or argument '{token}'");
            }
        }

        WriteUsage(command, error);
        error.WriteLine($"run '{path} --help' for every option");
        return BadUsage;
    }

    /// <summary>
    /// Refuses a command line that parsed but asks for what cannot be done together: the command's usage lines, then
    /// <paramref name="why"/>, on the error output; returns <see cref="BadUsage"/>.
    /// </summary>
    public static int Refuse(ParseResult result, string why)
    {
        var command = result.CommandResult.Command;
        var error = result.InvocationConfiguration.Error;
        WriteUsage(command, error);
        error.WriteLine($"{Path(command)}: {why}");
        return BadUsage;
    }

    private static void WriteUsage(Command command, TextWriter error)
    {
        // The overview's every command line would bury the message; its help is one command away.
        var usage = command is RootCommand ? [] : CommandHelp.UsageLines(command).ToList();
        for (var i = 0; i < usage.Count; i++)
        {
            error.WriteLine((i == 0 ? "usage: " : "       ") + usage[i]);
        }
    }

    /// <summary><c>mcpgw audit verify</c> for the verify command, whatever the executable is called.</summary>
    private static string Path(Command command)
    {
        var names = new Stack<string>();
        for (Symbol? symbol = command; symbol is Command { } current and not RootCommand; symbol = symbol.Parents.FirstOrDefault())
        {
            names.Push(current.Name);
        }

        names.Push("mcpgw");
        return string.Join(' ', names);
    }
}
