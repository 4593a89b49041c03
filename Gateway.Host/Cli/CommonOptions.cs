using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace McpGateway.Host.Cli;

/// <summary>Options several commands share, spelled and described the same everywhere.</summary>
internal static class CommonOptions
{
    public static Option<string> Config(bool required = true) => new("--config")
    {
        Description = "the gateway's configuration file (JSON)",
        HelpName = "FILE",
        Required = required,
    };

    public static Option<string> Store() => new("--store")
    {
        Description = "the SQLite audit store itself, instead of the one --config names",
        HelpName = "PATH",
    };

    public static Option<bool> Progress() => new("--progress")
    {
        Description = "report progress on stderr (the default when stderr is a terminal)",
    };

    /// <summary><c>--log ID</c>: one of a PostgreSQL store's logs (each gateway instance writes its own).</summary>
    public static Option<string> Log(string description) => Value("--log", "ID", description);

    /// <summary>A value option of <paramref name="name"/> shown as <paramref name="helpName"/>.</summary>
    public static Option<string> Value(string name, string helpName, string description, bool required = false) => new(name)
    {
        Description = description,
        HelpName = helpName,
        Required = required,
    };

    /// <summary>An argument that is a whole number of at least <paramref name="minimum"/>, in digits; else refused as not <paramref name="what"/>.</summary>
    public static Argument<long> Number(string name, string description, long minimum, string what) => new(name)
    {
        Description = description,
        CustomParser = result => ParseNumber(result, name, minimum, what),
    };

    /// <summary>As <see cref="Number"/>, an option's value, shown as <paramref name="helpName"/>; null when the option is not given.</summary>
    public static Option<long?> NumberValue(string name, string helpName, string description, long minimum, string what) => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result => ParseNumber(result, name, minimum, what),
    };

    /// <summary>Exactly one of <paramref name="first"/> and <paramref name="second"/> must be given.</summary>
    public static void RequireOneOf(Command command, Option first, Option second) =>
        command.Validators.Add(result =>
        {
            if ((result.GetResult(first) is null) == (result.GetResult(second) is null))
            {
                result.AddError($"give {first.Name} {first.HelpName} or {second.Name} {second.HelpName}, one of them");
            }
        });

    /// <summary>
    /// An option that exists only to be refused with <paramref name="why"/>: a secret on the command line shows in the
    /// process list and the shell history.
    /// </summary>
    public static Option<string> Refused(string name, string why)
    {
        var option = new Option<string>(name) { Hidden = true };
        option.Validators.Add(result => result.AddError(why));
        return option;
    }

    private static long ParseNumber(ArgumentResult result, string name, long minimum, string what)
    {
        var text = string.Join(' ', result.Tokens.Select(t => t.Value));
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum)
        {
            return value;
        }

        result.AddError($"{name} {text} is not {what}");
        return 0;
    }

    public static TextWriter Output(ParseResult result) => result.InvocationConfiguration.Output;

    public static TextWriter Error(ParseResult result) => result.InvocationConfiguration.Error;
}
