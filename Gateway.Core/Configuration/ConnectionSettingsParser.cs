using System.Collections.Frozen;

namespace McpGateway.Core.Configuration;

/// <summary>
/// Validates the <c>connections</c> section: each upstream's transport, timeouts, access and environment, reporting
/// every mistake with its path.
/// </summary>
internal static class ConnectionSettingsParser
{
    public static FrozenDictionary<string, ConnectionSettings> ParseAll(IDictionary<string, ConnectionOptions> options, string baseDirectory, List<string> errors)
    {
        var connections = new Dictionary<string, ConnectionSettings>(StringComparer.Ordinal);
        if (options.Count == 0)
        {
            errors.Add("connections: at least one upstream connection is required");
        }

        foreach (var (name, connection) in options)
        {
            var parsed = Parse(name, connection, baseDirectory, errors);
            if (parsed is not null)
            {
                connections[name] = parsed;
            }
        }

        var warmTotal = connections.Values.OfType<TcpConnectionSettings>().Sum(tcp => tcp.WarmConnections);
        if (warmTotal > TcpConnectionSettings.MaxWarmConnections)
        {
            errors.Add($"connections: {warmTotal} warmConnections in all; at most {TcpConnectionSettings.MaxWarmConnections} together (warm sockets come out of limits.fileDescriptorReserve)");
        }

        return connections.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static ConnectionSettings? Parse(string name, ConnectionOptions options, string baseDirectory, List<string> errors)
    {
        var path = $"connections.{name}";
        var countBefore = errors.Count;
        var connectTimeout = GatewaySettingsLoader.PositiveTime(options.ConnectTimeout, ConnectionSettings.DefaultConnectTimeout, path + ".connectTimeout", errors);
        var requestTimeout = GatewaySettingsLoader.PositiveTime(options.RequestTimeout, ConnectionSettings.DefaultRequestTimeout, path + ".requestTimeout", errors);
        var retries = options.ConnectRetries ?? ConnectionSettings.DefaultConnectRetries;
        if (retries is < 0 or > 20)
        {
            errors.Add($"{path}.connectRetries: between 0 and 20");
        }

        var access = ParseAccess(path, options, errors);
        if (options.WarmConnections is { } warm && !string.Equals(options.Transport?.Trim(), "tcp", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{path}.warmConnections: only a tcp connection keeps warm sockets (a stdio upstream is spawned per session, an http one pools its own)");
        }
        else if (options.WarmConnections is < 0 or > TcpConnectionSettings.MaxWarmConnections)
        {
            errors.Add($"{path}.warmConnections: between 0 and {TcpConnectionSettings.MaxWarmConnections} (warm sockets come out of limits.fileDescriptorReserve)");
        }

        ConnectionSettings? result = null;
        switch (options.Transport?.Trim().ToUpperInvariant())
        {
            case "STDIO":
                if (string.IsNullOrWhiteSpace(options.Command))
                {
                    errors.Add($"{path}.command: required for a stdio connection");
                }

                var environment = new Dictionary<string, EnvironmentValue>(StringComparer.Ordinal);
                foreach (var (variable, value) in options.Env)
                {
                    var parsed = ParseEnvironmentValue($"{path}.env.{variable}", value, baseDirectory, errors);
                    if (parsed is not null)
                    {
                        environment[variable] = parsed;
                    }
                }

                var workingDirectory = options.WorkingDirectory is null ? null : Path.GetFullPath(options.WorkingDirectory, baseDirectory);
                result = new StdioConnectionSettings
                {
                    Name = name,
                    Command = PathResolution.Command(options.Command ?? "", workingDirectory ?? baseDirectory),
                    Args = [.. options.Args.Select(a => PathResolution.Argument(a, workingDirectory ?? baseDirectory))],
                    WorkingDirectory = workingDirectory,
                    Environment = environment,
                    InheritEnvironment = [.. options.InheritEnv],
                    ConnectTimeout = connectTimeout,
                    ConnectRetries = retries,
                    RequestTimeout = requestTimeout,
                    Access = access,
                    MaskProfile = options.MaskProfile,
                };
                break;
            case "TCP":
                if (string.IsNullOrWhiteSpace(options.Host))
                {
                    errors.Add($"{path}.host: required for a tcp connection");
                }

                if (options.Port is not (> 0 and <= 65535))
                {
                    errors.Add($"{path}.port: required for a tcp connection, 1-65535");
                }

                result = new TcpConnectionSettings
                {
                    Name = name,
                    Host = options.Host ?? "",
                    Port = options.Port ?? 0,
                    WarmConnections = options.WarmConnections ?? 0,
                    ConnectTimeout = connectTimeout,
                    ConnectRetries = retries,
                    RequestTimeout = requestTimeout,
                    Access = access,
                    MaskProfile = options.MaskProfile,
                };
                break;
            case "HTTP":
                result = HttpConnectionParser.Parse(name, path, options, baseDirectory, errors) with
                {
                    ConnectTimeout = connectTimeout,
                    ConnectRetries = retries,
                    RequestTimeout = requestTimeout,
                    Access = access,
                    MaskProfile = options.MaskProfile,
                };
                break;
            default:
                errors.Add($"{path}.transport: '{options.Transport}' is not one of stdio, tcp, http");
                break;
        }

        return errors.Count == countBefore ? result : null;
    }

    private static ConnectionAccess ParseAccess(string path, ConnectionOptions options, List<string> errors)
    {
        for (var i = 0; i < options.AllowedGroups.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.AllowedGroups[i]))
            {
                errors.Add($"{path}.allowedGroups[{i}]: a group name is required");
            }
        }

        for (var i = 0; i < options.AllowedSubjects.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.AllowedSubjects[i]))
            {
                errors.Add($"{path}.allowedSubjects[{i}]: a subject is required");
            }
        }

        if (options.AllowedGroups.Count == 0 && options.AllowedSubjects.Count == 0)
        {
            return ConnectionAccess.Anyone;
        }

        return new ConnectionAccess
        {
            AllowedGroups = options.AllowedGroups.ToFrozenSet(StringComparer.Ordinal),
            AllowedSubjects = options.AllowedSubjects.ToFrozenSet(StringComparer.Ordinal),
        };
    }

    internal static EnvironmentValue? ParseEnvironmentValue(string path, EnvironmentValueOptions value, string baseDirectory, List<string> errors)
    {
        var given = (value.Value is null ? 0 : 1) + (value.FromEnv is null ? 0 : 1) + (value.FromFile is null ? 0 : 1);
        if (given != 1)
        {
            errors.Add($"{path}: exactly one of value, fromEnv, fromFile");
            return null;
        }

        if (value.Value is not null)
        {
            return new EnvironmentValue(EnvironmentValueSource.Literal, value.Value);
        }

        if (value.FromEnv is not null)
        {
            if (Environment.GetEnvironmentVariable(value.FromEnv) is null)
            {
                errors.Add($"{path}.fromEnv: environment variable '{value.FromEnv}' is not set");
            }

            return new EnvironmentValue(EnvironmentValueSource.Environment, value.FromEnv);
        }

        var file = Path.GetFullPath(value.FromFile!, baseDirectory);
        try
        {
            using var stream = File.OpenRead(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            errors.Add($"{path}.fromFile: '{file}' cannot be read ({ex.GetType().Name})");
        }

        return new EnvironmentValue(EnvironmentValueSource.File, file);
    }
}
