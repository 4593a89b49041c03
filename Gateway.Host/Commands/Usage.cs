using McpGateway.Host.Cli;

namespace McpGateway.Host.Commands;

/// <summary>
/// What the audit proof and verify commands still share from before <see cref="MainCommand"/>: they take their values as
/// <c>--name value</c> arguments, which the command line builds from what it parsed.
/// </summary>
internal static class Usage
{
    public const int BadUsage = MainCommand.BadUsage;

    /// <summary>Reads <c>--name value</c> pairs; returns null and prints why when the arguments are wrong.</summary>
    public static Dictionary<string, string>? Options(string[] args, params string[] known)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || !known.Contains(name[2..]))
            {
                Console.Error.WriteLine($"mcpgw: unexpected argument '{name}' (expected: {string.Join(", ", known.Select(k => "--" + k))})");
                return null;
            }

            if (i + 1 >= args.Length)
            {
                Console.Error.WriteLine($"mcpgw: {name} needs a value");
                return null;
            }

            options[name[2..]] = args[++i];
        }

        return options;
    }
}
