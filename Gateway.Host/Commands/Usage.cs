using System.Reflection;

namespace McpGateway.Host.Commands;

internal static class Usage
{
    public const int BadUsage = 2;

    private const string Text = """
            usage:
              mcpgw serve --config FILE   run the gateway with the configuration in FILE; exit 0 stopped, 1 invalid configuration,
                                          2 usage, 10 a listen address is in use, 11 a listen address cannot be bound
              mcpgw demo                  start a gateway in front of a real MCP server and drive a short session
              mcpgw config check --config FILE
                                          report every mistake in a configuration file (exit 1), or summarise it (exit 0)
              mcpgw bridge --gateway HOST:PORT --connection NAME ...
                                          a stdio MCP server for MCP clients, relaying to the gateway (mcpgw bridge --help)
              mcpgw tools list --config FILE
                                          the pinned tool definitions and any change awaiting approval
              mcpgw tools approve --config FILE --connection NAME --tool NAME
                                          accept a changed tool definition
              mcpgw audit verify --config FILE | --store PATH [--public-key PEM] [--anchors FILE|URL ...] [--progress | --quiet]
                                          recompute the audit store's hash chain and check its chain of signed checkpoints,
                                          also against anchors kept outside the store; report modified, deleted, reordered,
                                          inserted, truncated and checkpoints_missing records with their range (exit 1)
              mcpgw audit query --config FILE [--subject S] [--group G] [--connection C] [--tool T] [--verdict V]
                                [--since TIME] [--until TIME] [--json]
                                          audit records matching every filter, as a table or JSON lines
              mcpgw replay SESSION --config FILE
                                          a recorded session step by step, from the audit store only (masked payloads)
              mcpgw audit prove SEQ --config FILE | --store PATH [--size N]
                                          an inclusion proof (JSON) of record SEQ in the newest signed tree head (or size N)
              mcpgw audit consistency OLD NEW --config FILE | --store PATH
                                          a consistency proof (JSON): the signed log of OLD records is a prefix of NEW's
              mcpgw audit check-proof FILE --public-key PEM
                                          check a proof offline, with the public key alone (exit 1 when it fails)
              mcpgw audit keygen --out FILE
                                          a new ECDSA P-256 checkpoint signing key (FILE) and its public key (FILE.pub.pem)
              mcpgw audit purge --config FILE
                                          apply audit.retention now: purge the oldest records behind a signed anchor
              mcpgw approvals list [--state S] [--json] | show ID [--json]
                              | approve ID [--reason R] [--grant DURATION [--same-arguments]] | deny ID --reason R
                              (--admin URL | --config FILE) [--token-file FILE]; the token otherwise from MCPGW_TOKEN
                                          calls held for approval, and the approvers' votes, through the admin API;
                                          exit 0 ok, 1 refused, 2 usage, 3 not found, 4 auth failed, 5 unreachable,
                                          6 unexpected answer (mcpgw approvals --help)
              mcpgw --version
            """;

    public static int Print(string[] args)
    {
        if (args.Length > 0 && args[0] is not ("help" or "--help" or "-h"))
        {
            Console.Error.WriteLine($"mcpgw: unknown command '{args[0]}'");
            Console.Error.WriteLine(Text);
            return BadUsage;
        }

        Console.Out.WriteLine(Text);
        return 0;
    }

    /// <summary>
    /// <c>mcpgw COMMAND --help</c>: the usage entries of that command (<c>serve</c>, <c>audit verify</c>, …) on stdout;
    /// false when no entry starts with it (the caller then reports an unknown command).
    /// </summary>
    public static bool Help(string[] command, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(output);
        var prefix = "mcpgw " + string.Join(' ', command);
        var entries = new List<string>();
        var taking = false;
        foreach (var line in Text.Split('\n'))
        {
            var trimmed = line.TrimStart();
            if (trimmed.StartsWith("mcpgw ", StringComparison.Ordinal))
            {
                taking = command.Length > 0 && (trimmed == prefix || trimmed.StartsWith(prefix + " ", StringComparison.Ordinal));
            }

            if (taking)
            {
                entries.Add(line);
            }
        }

        if (entries.Count == 0)
        {
            return false;
        }

        output.WriteLine("usage:");
        foreach (var entry in entries)
        {
            output.WriteLine(entry);
        }

        return true;
    }

    public static int Version()
    {
        Console.WriteLine(typeof(Usage).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown");
        return 0;
    }

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
