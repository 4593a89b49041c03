namespace McpGateway.Core.Configuration;

/// <summary>How many client connections the listener holds, and for how long an idle session stays open.</summary>
public sealed record ConnectionLimits
{
    public const int DefaultMaxConnections = 4096;
    public const int DefaultMaxConnectionsPerIdentity = 256;
    public const int DefaultMaxUnauthenticatedConnections = 256;
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(30);

    public static readonly ConnectionLimits Default = new();

    /// <summary>Client connections open at once; a connection beyond is closed at once.</summary>
    public int MaxConnections { get; init; } = DefaultMaxConnections;

    /// <summary>Sessions of one subject at once; an authenticate beyond gets -31009 <c>too_many_connections</c>.</summary>
    public int MaxConnectionsPerIdentity { get; init; } = DefaultMaxConnectionsPerIdentity;

    /// <summary>Connections not yet authenticated at once; a connection beyond is closed at once.</summary>
    public int MaxUnauthenticatedConnections { get; init; } = DefaultMaxUnauthenticatedConnections;

    /// <summary>A session with no frame in either direction for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = DefaultIdleTimeout;
}
