namespace McpGateway.Core.Configuration;

/// <summary>
/// How many client connections each listener holds (in total, per source address, not yet authenticated), how long an
/// HTTP client may take over a request, how many file descriptors stay in reserve, and how long an idle session stays open.
/// </summary>
internal sealed record ConnectionLimits
{
    public const int DefaultMaxConnections = 4096;
    public const int DefaultMaxConnectionsPerIdentity = 256;
    public const int DefaultMaxUnauthenticatedConnections = 256;
    public const int DefaultMaxUnauthenticatedPerAddress = 16;
    public const int DefaultMaxConnectionsPerAddress = 256;
    public const int DefaultMaxHttpConnections = 4096;
    public const int DefaultMaxAdminConnections = 64;
    public const int DefaultMinRequestBodyBytesPerSecond = 240;
    public static readonly TimeSpan DefaultIdleTimeout = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan DefaultRequestHeadersTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultKeepAliveTimeout = TimeSpan.FromSeconds(30);

    public static readonly ConnectionLimits Default = new();

    /// <summary>TCP listener: client connections open at once; a connection beyond is closed at once.</summary>
    public int MaxConnections { get; init; } = DefaultMaxConnections;

    /// <summary>Sessions of one subject at once; an authenticate beyond gets -31009 <c>too_many_connections</c>.</summary>
    public int MaxConnectionsPerIdentity { get; init; } = DefaultMaxConnectionsPerIdentity;

    /// <summary>TCP listener: connections not yet authenticated at once; a connection beyond is closed at once.</summary>
    public int MaxUnauthenticatedConnections { get; init; } = DefaultMaxUnauthenticatedConnections;

    /// <summary>TCP listener: connections not yet authenticated from one source address (IPv6: one /64) at once.</summary>
    public int MaxUnauthenticatedPerAddress { get; init; } = DefaultMaxUnauthenticatedPerAddress;

    /// <summary>Connections from one source address (IPv6: one /64) at once, on each listener (TCP, front door, admin).</summary>
    public int MaxConnectionsPerAddress { get; init; } = DefaultMaxConnectionsPerAddress;

    /// <summary>HTTP front door: connections open at once.</summary>
    public int MaxHttpConnections { get; init; } = DefaultMaxHttpConnections;

    /// <summary>Admin listener: connections open at once.</summary>
    public int MaxAdminConnections { get; init; } = DefaultMaxAdminConnections;

    /// <summary>Front door and admin: how long a client may take to send a request's headers.</summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = DefaultRequestHeadersTimeout;

    /// <summary>Front door and admin: how long a connection may sit between requests.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = DefaultKeepAliveTimeout;

    /// <summary>Front door and admin: the slowest a request body may arrive (after a 5 s grace period).</summary>
    public int MinRequestBodyBytesPerSecond { get; init; } = DefaultMinRequestBodyBytesPerSecond;

    /// <summary>
    /// File descriptors kept free for the audit store, upstream spawns and the process itself; client connections are
    /// refused before the process limit minus this is reached. Null: a fifth of the limit, at least 256.
    /// </summary>
    public int? FileDescriptorReserve { get; init; }

    /// <summary>A session with no frame in either direction for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; init; } = DefaultIdleTimeout;
}
