namespace McpGateway.Core.Configuration;

/// <summary>
/// The <c>http</c> section: the front door, an HTTP listener that serves <c>/mcp/{connection}</c> as a Streamable HTTP
/// MCP endpoint for clients that speak only HTTP. Absent: there is none.
/// </summary>
internal sealed class HttpFrontDoorOptions
{
    /// <summary><c>host:port</c>, e.g. <c>127.0.0.1:7402</c>. Anything but a loopback address needs <see cref="AllowRemote"/>.</summary>
    public string? Listen { get; set; }

    /// <summary>A non-loopback front door must say so.</summary>
    public bool? AllowRemote { get; set; }

    /// <summary>Browser origins (<c>scheme://host[:port]</c>) whose requests are served; a request naming any other <c>Origin</c> gets 403.</summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>
    /// Host names (or IP literals) clients reach the front door by, besides the host of <see cref="PublicUrl"/> and the
    /// bound address; a request whose <c>Host</c> names any other gets 403 (DNS rebinding).
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>The base URL clients reach the front door at (e.g. <c>https://mcp.example.com</c>); resource URLs and metadata are built on it.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>Scopes a client should ask the identity provider for, announced in the resource metadata and in 401 challenges.</summary>
    public IList<string> Scopes { get; } = [];

    /// <summary>Serve HTTPS with the certificate of the top-level <c>tls</c> section.</summary>
    public bool? Tls { get; set; }

    /// <summary>How long a session of stateless requests (one per token and connection) stays open with nothing in flight (default 1 min).</summary>
    public TimeSpan? StatelessIdleTimeout { get; set; }
}
