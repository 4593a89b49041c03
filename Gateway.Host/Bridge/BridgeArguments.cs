using System.Globalization;

namespace McpGateway.Host.Bridge;

/// <summary>Parses the arguments of <c>mcpgw bridge</c>, naming every mistake at once.</summary>
internal static class BridgeArguments
{
    public const string ClientSecretVariable = "MCPGW_CLIENT_SECRET";

    public const string UsageText = """
        usage: mcpgw bridge --gateway HOST:PORT --connection NAME [TLS] TOKEN-SOURCE
          a stdio MCP server to launch from an MCP client in place of the real server; it dials the gateway,
          authenticates, relays frames both ways and renews the token before it expires.
        TLS:
          --tls                          speak TLS to the gateway
          --ca-file ca.pem               trust these CAs for the gateway's certificate (default: the system's)
          --client-cert cert.pem --client-key key.pem
                                         present a client certificate (mutual TLS)
        TOKEN-SOURCE (exactly one; none with a client certificate the gateway maps to an identity):
          --token-file PATH              read the token from PATH, again at every renewal
          --token-command "CMD ARGS"     run CMD through /bin/sh -c; its standard output is the token
          --issuer URL --client-id ID    OAuth 2.0 client credentials from the issuer's token endpoint, with
            --client-secret-file PATH      the client secret in PATH, or in the MCPGW_CLIENT_SECRET variable
            --client-key-file key.pem      or private_key_jwt: an RS256/ES256 client assertion signed with this key
            [--client-key-id KID] [--scope "a b"] [--resource URI]
        exit codes: 0 the client closed stdin, 1 the gateway closed the connection, 2 usage,
                    3 authentication failed (token not obtained or refused), 4 the gateway cannot be reached,
                    5 the gateway cannot reach the connection's MCP server (-31007; see the gateway's log)
        """;

    /// <summary>The options that take a value, by name without their dashes.</summary>
    public static readonly string[] Valued =
    [
        "gateway", "connection", "ca-file", "client-cert", "client-key", "token-file", "token-command",
        "issuer", "client-id", "client-secret-file", "client-key-file", "client-key-id", "scope", "resource",
    ];

    /// <summary>The options, or null with <paramref name="errors"/> saying why.</summary>
    public static BridgeOptions? Parse(IReadOnlyList<string> args, Func<string, string?> environment, out List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        errors = [];
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var tls = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var name = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : null;
            if (name == "tls")
            {
                tls = true;
            }
            else if (name is "client-secret" or "token")
            {
                errors.Add($"--{name}: a secret is never taken from the command line (other users can read it); use --client-secret-file, {ClientSecretVariable} or --token-file");
                i++;
            }
            else if (name is null || !Valued.Contains(name))
            {
                errors.Add($"unexpected argument '{arg}'");
            }
            else if (i + 1 >= args.Count)
            {
                errors.Add($"--{name} needs a value");
            }
            else if (!values.TryAdd(name, args[++i]))
            {
                errors.Add($"--{name} is given twice");
            }
        }

        return FromValues(values, tls, environment, errors);
    }

    /// <summary>
    /// The options from the values given (<paramref name="values"/> by option name without its dashes), or null with
    /// <paramref name="errors"/> (which may already hold the command line's own mistakes) saying why.
    /// </summary>
    public static BridgeOptions? FromValues(IReadOnlyDictionary<string, string> values, bool tls, Func<string, string?> environment, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(errors);
        var (host, port) = ParseGateway(values.GetValueOrDefault("gateway"), errors);
        var connection = values.GetValueOrDefault("connection");
        if (string.IsNullOrWhiteSpace(connection))
        {
            errors.Add("--connection NAME is required");
        }

        foreach (var needsTls in (string[])["ca-file", "client-cert", "client-key"])
        {
            if (values.ContainsKey(needsTls) && !tls)
            {
                errors.Add($"--{needsTls} needs --tls");
            }
        }

        if (values.ContainsKey("client-cert") != values.ContainsKey("client-key"))
        {
            errors.Add("--client-cert and --client-key go together");
        }

        var kind = ParseTokenSource(values, values.ContainsKey("client-cert"), environment, errors);
        if (errors.Count > 0)
        {
            return null;
        }

        return new BridgeOptions
        {
            Host = host!,
            Port = port,
            Connection = connection!,
            Tls = tls,
            CaFile = values.GetValueOrDefault("ca-file"),
            ClientCertificateFile = values.GetValueOrDefault("client-cert"),
            ClientCertificateKeyFile = values.GetValueOrDefault("client-key"),
            TokenSource = kind,
            TokenFile = values.GetValueOrDefault("token-file"),
            TokenCommand = values.GetValueOrDefault("token-command"),
            Issuer = values.GetValueOrDefault("issuer"),
            ClientId = values.GetValueOrDefault("client-id"),
            ClientSecretFile = values.GetValueOrDefault("client-secret-file"),
            ClientKeyFile = values.GetValueOrDefault("client-key-file"),
            ClientKeyId = values.GetValueOrDefault("client-key-id"),
            Scope = values.GetValueOrDefault("scope"),
            Resource = values.GetValueOrDefault("resource"),
        };
    }

    private static (string? Host, int Port) ParseGateway(string? gateway, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(gateway))
        {
            errors.Add("--gateway HOST:PORT is required");
            return (null, 0);
        }

        var colon = gateway.LastIndexOf(':');
        var host = colon > 0 ? gateway[..colon] : "";
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (host.Length == 0 || !int.TryParse(gateway.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            errors.Add($"--gateway: '{gateway}' is not HOST:PORT");
            return (null, 0);
        }

        return (host, port);
    }

    private static TokenSourceKind ParseTokenSource(IReadOnlyDictionary<string, string> values, bool clientCertificate, Func<string, string?> environment, List<string> errors)
    {
        var oauth = values.ContainsKey("issuer") || values.ContainsKey("client-id");
        var given = (values.ContainsKey("token-file") ? 1 : 0) + (values.ContainsKey("token-command") ? 1 : 0) + (oauth ? 1 : 0);
        if (given > 1)
        {
            errors.Add("give exactly one token source: --token-file, --token-command, or --issuer with --client-id");
            return TokenSourceKind.File;
        }

        if (!oauth)
        {
            foreach (var name in (string[])["client-secret-file", "client-key-file", "client-key-id", "scope", "resource"])
            {
                if (values.ContainsKey(name))
                {
                    errors.Add($"--{name} belongs to the client-credentials grant (--issuer, --client-id)");
                }
            }
        }

        if (values.ContainsKey("token-file"))
        {
            return TokenSourceKind.File;
        }

        if (values.ContainsKey("token-command"))
        {
            return TokenSourceKind.Command;
        }

        if (!oauth)
        {
            if (!clientCertificate)
            {
                errors.Add("a token source is required: --token-file, --token-command, or --issuer with --client-id (or a client certificate the gateway maps)");
            }

            return TokenSourceKind.ClientCertificateOnly;
        }

        if (!values.TryGetValue("issuer", out var issuer) || !Uri.TryCreate(issuer, UriKind.Absolute, out var issuerUri) || issuerUri.Scheme is not ("https" or "http"))
        {
            errors.Add("--issuer URL is required with --client-id, an absolute https URL");
        }
        else if (issuerUri.Scheme == "http" && !issuerUri.IsLoopback)
        {
            errors.Add($"--issuer: '{issuer}' is plain http; only a loopback issuer may be (development)");
        }

        if (!values.ContainsKey("client-id"))
        {
            errors.Add("--client-id ID is required with --issuer");
        }

        var secretFile = values.ContainsKey("client-secret-file");
        var keyFile = values.ContainsKey("client-key-file");
        var secretVariable = !string.IsNullOrEmpty(environment(ClientSecretVariable));
        if (secretFile && keyFile)
        {
            errors.Add("give --client-secret-file or --client-key-file, not both");
        }
        else if (keyFile)
        {
            return TokenSourceKind.PrivateKeyJwt;
        }
        else if (!secretFile && !secretVariable)
        {
            errors.Add($"the client credentials need --client-secret-file PATH, the {ClientSecretVariable} variable, or --client-key-file key.pem (private_key_jwt)");
        }

        if (values.ContainsKey("client-key-id"))
        {
            errors.Add("--client-key-id goes with --client-key-file");
        }

        return TokenSourceKind.ClientSecret;
    }
}
