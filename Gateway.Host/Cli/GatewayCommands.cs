using System.CommandLine;
using McpGateway.Host.Bridge;
using McpGateway.Host.Commands;

namespace McpGateway.Host.Cli;

/// <summary>The commands that run or check a gateway: <c>serve</c>, <c>demo</c>, <c>config check</c>, <c>bridge</c>.</summary>
internal static class GatewayCommands
{
    public static GatewayCommand Serve()
    {
        var config = CommonOptions.Config();
        var command = new GatewayCommand("serve", "run the gateway with the configuration in FILE until SIGTERM or Ctrl+C")
        {
            Synopsis = ["mcpgw serve --config FILE"],
            ExitCodes = """
                0 stopped on request (SIGTERM, Ctrl+C) after draining
                1 the configuration is invalid (also a stdio command that cannot be found); nothing listened
                2 usage
                10 a listen address is in use by another process
                11 a listen address cannot be bound (not an address of this machine, a privileged port)
                """,
        };
        command.Options.Add(config);
        command.SetAction((result, _) => ServeCommand.RunAsync(result.GetRequiredValue(config)));
        return command;
    }

    public static GatewayCommand Demo()
    {
        var command = new GatewayCommand("demo", "start a gateway in front of a real MCP server and drive a short session through it, narrated")
        {
            Synopsis = ["mcpgw demo"],
            ExitCodes = "0 the session went as shown, 1 a step failed or the MCP reference server is not installed, 2 usage",
        };
        command.SetAction((_, _) => DemoCommand.RunAsync());
        return command;
    }

    public static GatewayCommand Config()
    {
        var config = CommonOptions.Config(required: false);
        var file = new Argument<string?>("FILE")
        {
            Description = "the configuration file, as --config gives it",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var check = new GatewayCommand("check", "report every mistake in a configuration file, or summarise it")
        {
            Synopsis = ["mcpgw config check --config FILE", "mcpgw config check FILE"],
            ExitCodes = "0 valid (a one-line summary on stdout), 1 invalid (every mistake on stderr, with its path), 2 usage",
        };
        check.Options.Add(config);
        check.Arguments.Add(file);
        check.Validators.Add(result =>
        {
            if ((result.GetResult(config) is null) == (result.GetResult(file) is null || result.GetValue(file) is null))
            {
                result.AddError("give the configuration file once: --config FILE (or FILE alone)");
            }
        });
        check.SetAction(result => ConfigCheckCommand.Run(
            result.GetValue(config) ?? result.GetRequiredValue(file)!, CommonOptions.Output(result), CommonOptions.Error(result)));

        var group = new GatewayCommand("config", "check a configuration file without starting a gateway");
        group.Subcommands.Add(check);
        return group;
    }

    public static GatewayCommand Bridge()
    {
        var command = new GatewayCommand("bridge", "a stdio MCP server to launch from an MCP client in place of the real one: it dials the gateway, authenticates with a token from exactly one token source (none with a client certificate the gateway maps to an identity), relays frames both ways and renews the token before it expires")
        {
            Synopsis = ["mcpgw bridge --gateway HOST:PORT --connection NAME [--tls ...] (--token-file PATH | --token-command CMD | --issuer URL --client-id ID ...)"],
            ExitCodes = """
                0 the client closed stdin, 1 the gateway closed the connection, 2 usage,
                3 authentication failed (token not obtained or refused), 4 the gateway cannot be reached,
                5 the gateway cannot reach the connection's MCP server (-31007; see the gateway's log)
                """,
        };
        var descriptions = new Dictionary<string, (string HelpName, string Description)>(StringComparer.Ordinal)
        {
            ["gateway"] = ("HOST:PORT", "the gateway's listener (required)"),
            ["connection"] = ("NAME", "the connection (MCP server) to use through it (required)"),
            ["ca-file"] = ("ca.pem", "trust these CAs for the gateway's certificate (default: the system's); needs --tls"),
            ["client-cert"] = ("cert.pem", "present a client certificate (mutual TLS), with --client-key; needs --tls"),
            ["client-key"] = ("key.pem", "the client certificate's private key"),
            ["token-file"] = ("PATH", "token source: read the token from PATH, again at every renewal"),
            ["token-command"] = ("\"CMD ARGS\"", "token source: run CMD through /bin/sh -c; its standard output is the token"),
            ["issuer"] = ("URL", "token source: OAuth 2.0 client credentials from this issuer's token endpoint (with --client-id)"),
            ["client-id"] = ("ID", "the OAuth client id"),
            ["client-secret-file"] = ("PATH", $"the client secret in PATH (or in the {BridgeArguments.ClientSecretVariable} variable)"),
            ["client-key-file"] = ("key.pem", "or private_key_jwt: an RS256/ES256 client assertion signed with this key"),
            ["client-key-id"] = ("KID", "the key id of --client-key-file"),
            ["scope"] = ("\"a b\"", "the scopes to ask for"),
            ["resource"] = ("URI", "the resource (RFC 8707) to ask a token for"),
        };
        var valued = new List<(string Name, Option<string> Option)>();
        foreach (var name in BridgeArguments.Valued)
        {
            var (helpName, description) = descriptions[name];
            var option = CommonOptions.Value("--" + name, helpName, description);
            valued.Add((name, option));
            command.Options.Add(option);
        }

        var tls = new Option<bool>("--tls") { Description = "speak TLS to the gateway" };
        command.Options.Add(tls);
        foreach (var secret in (string[])["--client-secret", "--token"])
        {
            command.Options.Add(CommonOptions.Refused(secret,
                $"{secret}: a secret is never taken from the command line (other users can read it); use --client-secret-file, {BridgeArguments.ClientSecretVariable} or --token-file"));
        }

        command.SetAction((result, _) =>
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, option) in valued)
            {
                if (result.GetValue(option) is { } value)
                {
                    values[name] = value;
                }
            }

            return BridgeCommand.RunAsync(values, result.GetValue(tls));
        });
        return command;
    }
}
