namespace McpGateway.Core.Configuration;

/// <summary>
/// The configuration file as bound by Microsoft.Extensions.Configuration (so environment variables such as
/// <c>MCPGW_Listen</c> override it). Only a bag for binding: <see cref="GatewaySettingsLoader"/> validates it
/// into the immutable <see cref="GatewaySettings"/> the gateway runs on. The features' sections (<c>policy</c>,
/// <c>approvals</c>, <c>masking</c>) are not here: each feature binds its own (see <see cref="ISettingsSection"/>).
/// </summary>
internal sealed class GatewayOptions
{
    /// <summary><c>host:port</c> of the TCP listener, e.g. <c>127.0.0.1:7400</c>.</summary>
    public string? Listen { get; set; }

    public AuthOptions Auth { get; set; } = new();

    /// <summary>TLS on the listener; see <see cref="TlsOptions"/>.</summary>
    public TlsOptions? Tls { get; set; }

    /// <summary>Without <see cref="Tls"/>, the listener is plaintext only when this says so (or with auth none on loopback).</summary>
    public bool? AllowPlaintext { get; set; }

    public LimitOptions Limits { get; set; } = new();

    /// <summary>Names of the middle inspectors, in the order they run.</summary>
    public IList<string> Inspectors { get; } = [];

    /// <summary>Assemblies (paths relative to the configuration file) whose <c>IGatewayPlugin</c>s register inspectors.</summary>
    public IList<string> Plugins { get; } = [];

    /// <summary>Methods no MCP version defines that may still be relayed.</summary>
    public IList<string> AllowedMethods { get; } = [];

    public IDictionary<string, ConnectionOptions> Connections { get; } = new Dictionary<string, ConnectionOptions>(StringComparer.Ordinal);

    /// <summary>The admin HTTP listener (health, readiness, metrics); absent, there is none.</summary>
    public AdminOptions? Admin { get; set; }

    /// <summary>Session recording into a tamper-evident audit store; absent, nothing is recorded.</summary>
    public AuditOptions? Audit { get; set; }

    public LoggingOptions Logging { get; set; } = new();

    /// <summary>OpenTelemetry export (OTLP) of traces and metrics; absent, none.</summary>
    public TelemetryOptions? Telemetry { get; set; }

    /// <summary>On SIGTERM, how long in-flight calls may take to finish before their sessions are closed (default 30 s).</summary>
    public TimeSpan? ShutdownTimeout { get; set; }

    /// <summary>The HTTP front door (Streamable HTTP MCP at <c>/mcp/{connection}</c>); absent, there is none.</summary>
    public HttpFrontDoorOptions? Http { get; set; }
}

internal sealed class AuthOptions
{
    /// <summary><c>oidc</c>, or <c>none</c>: development mode, any token is accepted.</summary>
    public string? Mode { get; set; }

    /// <summary>The OIDC issuer, e.g. <c>https://example.okta.com/oauth2/default</c>; discovery is below it.</summary>
    public string? Issuer { get; set; }

    /// <summary>One audience (a string in the file) or several (an array).</summary>
    public IList<string> Audience { get; } = [];

    public IList<string> AllowedAlgorithms { get; } = [];

    public TimeSpan? ClockSkew { get; set; }

    public string? SubjectClaim { get; set; }

    public string? GroupsClaim { get; set; }

    /// <summary>Default: <c>client_id</c>, then Okta's <c>cid</c>.</summary>
    public string? ClientIdClaim { get; set; }

    public bool? RequireHttpsMetadata { get; set; }

    public int? MaxTokenBytes { get; set; }

    public TimeSpan? KeyRefreshInterval { get; set; }

    public TimeSpan? UnknownKidRefreshInterval { get; set; }

    public TimeSpan? MaxKeyStaleness { get; set; }

    /// <summary>Longest accepted <c>exp - iat</c> (default 24 hours, at most 7 days).</summary>
    public TimeSpan? MaxTokenLifetime { get; set; }

    /// <summary><c>refuse</c> (default) or <c>ignore</c>: a token whose groups did not fit in it.</summary>
    public string? GroupsOverage { get; set; }

    /// <summary>Token introspection (RFC 7662) so that revoked tokens stop working; absent, none.</summary>
    public IntrospectionOptions? Introspection { get; set; }
}

internal sealed class LimitOptions
{
    public int? MaxFrameBytes { get; set; }

    public int? MaxDepth { get; set; }

    /// <summary>Overrides <see cref="MaxFrameBytes"/> for frames the upstream sends.</summary>
    public int? MaxUpstreamFrameBytes { get; set; }

    public TimeSpan? PreAuthTimeout { get; set; }

    public int? MaxPendingRequests { get; set; }

    /// <summary>Client connections open at once; beyond, a new connection is closed at once.</summary>
    public int? MaxConnections { get; set; }

    /// <summary>Sessions one subject may hold at once; beyond, authenticate gets -31009 <c>too_many_connections</c>.</summary>
    public int? MaxConnectionsPerIdentity { get; set; }

    /// <summary>Connections that have not authenticated yet, at once; beyond, a new connection is closed at once.</summary>
    public int? MaxUnauthenticatedConnections { get; set; }

    /// <summary>Connections not yet authenticated from one source address (IPv6: one /64); beyond, a new one is closed at once.</summary>
    public int? MaxUnauthenticatedPerAddress { get; set; }

    /// <summary>Connections from one source address (IPv6: one /64) on each listener; beyond, a new one is closed at once.</summary>
    public int? MaxConnectionsPerAddress { get; set; }

    /// <summary>Connections to the HTTP front door at once; beyond, a new one is closed at once.</summary>
    public int? MaxHttpConnections { get; set; }

    /// <summary>Connections to the admin listener at once; beyond, a new one is closed at once.</summary>
    public int? MaxAdminConnections { get; set; }

    /// <summary>Front door and admin: how long a client may take to send a request's headers (default 10 s).</summary>
    public TimeSpan? RequestHeadersTimeout { get; set; }

    /// <summary>Front door and admin: how long a connection may sit idle between requests (default 30 s).</summary>
    public TimeSpan? KeepAliveTimeout { get; set; }

    /// <summary>Front door and admin: the slowest a request body may arrive, after a 5 s grace (default 240).</summary>
    public int? MinRequestBodyBytesPerSecond { get; set; }

    /// <summary>File descriptors kept free for the audit store and upstreams (default: a fifth of the process limit, at least 256).</summary>
    public int? FileDescriptorReserve { get; set; }

    /// <summary>A session with no frame in either direction for this long is closed.</summary>
    public TimeSpan? IdleTimeout { get; set; }
}

internal sealed class ConnectionOptions
{
    /// <summary><c>stdio</c>, <c>tcp</c> or <c>http</c>.</summary>
    public string? Transport { get; set; }

    public string? Command { get; set; }

    public IList<string> Args { get; } = [];

    public string? WorkingDirectory { get; set; }

    /// <summary>Variables of the spawned server. Each takes exactly one of value, fromEnv or fromFile.</summary>
    public IDictionary<string, EnvironmentValueOptions> Env { get; } = new Dictionary<string, EnvironmentValueOptions>(StringComparer.Ordinal);

    /// <summary>Gateway variables passed through unchanged (PATH, HOME, LANG and TMPDIR always are).</summary>
    public IList<string> InheritEnv { get; } = [];

    public string? Host { get; set; }

    public int? Port { get; set; }

    public TimeSpan? ConnectTimeout { get; set; }

    public int? ConnectRetries { get; set; }

    /// <summary>tcp: sockets kept connected ahead of sessions, so that a new session skips the connect (default 0).</summary>
    public int? WarmConnections { get; set; }

    /// <summary>How long a forwarded request may wait for its response before the client gets -31008.</summary>
    public TimeSpan? RequestTimeout { get; set; }

    /// <summary>Identities in any of these groups may open the connection (with <see cref="AllowedSubjects"/>: either suffices).</summary>
    public IList<string> AllowedGroups { get; } = [];

    public IList<string> AllowedSubjects { get; } = [];

    /// <summary>The masking profile for this connection where no policy rule names one (default: masking.defaultProfile).</summary>
    public string? MaskProfile { get; set; }

    /// <summary>http: the MCP endpoint (Streamable HTTP), e.g. <c>https://mcp.example.com/mcp</c>.</summary>
    public string? Url { get; set; }

    /// <summary>http: headers the gateway sends with every request (e.g. an API key). Each takes exactly one of value, fromEnv or fromFile.</summary>
    public IDictionary<string, EnvironmentValueOptions> Headers { get; } = new Dictionary<string, EnvironmentValueOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>http: allow a plain <c>http://</c> URL to a host that is not loopback (headers then cross the network in clear).</summary>
    public bool? AllowPlaintext { get; set; }
}

internal sealed class EnvironmentValueOptions
{
    public string? Value { get; set; }

    public string? FromEnv { get; set; }

    public string? FromFile { get; set; }
}
