namespace McpGateway.Core.Configuration;

/// <summary>One named upstream MCP server.</summary>
internal abstract record ConnectionSettings
{
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromMinutes(5);
    public const int DefaultConnectRetries = 3;

    public required string Name { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = DefaultConnectTimeout;

    public int ConnectRetries { get; init; } = DefaultConnectRetries;

    public TimeSpan RequestTimeout { get; init; } = DefaultRequestTimeout;

    /// <summary>Which identities may open this connection.</summary>
    public ConnectionAccess Access { get; init; } = ConnectionAccess.Anyone;

    /// <summary>The masking profile for this connection's traffic where no policy rule names one.</summary>
    public string? MaskProfile { get; init; }
}

/// <summary>Spawn <see cref="Command"/> once per client session and speak MCP over its stdin/stdout.</summary>
internal sealed record StdioConnectionSettings : ConnectionSettings
{
    public required string Command { get; init; }

    public IReadOnlyList<string> Args { get; init; } = [];

    public string? WorkingDirectory { get; init; }

    public IReadOnlyDictionary<string, EnvironmentValue> Environment { get; init; } = new Dictionary<string, EnvironmentValue>();

    public IReadOnlyList<string> InheritEnvironment { get; init; } = [];
}

/// <summary>Dial <see cref="Host"/>:<see cref="Port"/> once per client session.</summary>
internal sealed record TcpConnectionSettings : ConnectionSettings
{
    /// <summary>Warm sockets of all connections together: half the smallest descriptor reserve, so that they always fit in it.</summary>
    public const int MaxWarmConnections = 128;

    public required string Host { get; init; }

    public required int Port { get; init; }

    /// <summary>Sockets kept connected to the upstream ahead of sessions (see <c>WarmSocketPool</c>); 0 connects per session only.</summary>
    public int WarmConnections { get; init; }
}
