using System.Collections.Frozen;
using System.Net;

namespace McpGateway.Core.Configuration;

/// <summary>The validated <c>http</c> section: where the front door listens and what it tells clients.</summary>
internal sealed record FrontDoorSettings
{
    public static readonly TimeSpan DefaultStatelessIdleTimeout = TimeSpan.FromMinutes(1);

    public required IPEndPoint Endpoint { get; init; }

    /// <summary>Normalized <c>scheme://host[:port]</c> origins, compared ignoring case.</summary>
    public FrozenSet<string> AllowedOrigins { get; init; } = FrozenSet<string>.Empty;

    /// <summary>
    /// Host names (or IP literals) requests may name in <c>Host</c> besides the public URL's host and the bound address;
    /// normalized: lower case, no trailing dot, IPv6 in brackets.
    /// </summary>
    public FrozenSet<string> AllowedHosts { get; init; } = FrozenSet<string>.Empty;

    /// <summary>The public base URL without a trailing slash; null: taken from each request's scheme and <c>Host</c>.</summary>
    public string? PublicUrl { get; init; }

    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>HTTPS with the listener's certificate.</summary>
    public bool UseTls { get; init; }

    /// <summary>
    /// A session of stateless requests (no <c>Mcp-Session-Id</c>; one per token and connection) with no request in
    /// flight, no GET stream and nothing sent or received for this long is closed, and its upstream with it.
    /// </summary>
    public TimeSpan StatelessIdleTimeout { get; init; } = DefaultStatelessIdleTimeout;
}
