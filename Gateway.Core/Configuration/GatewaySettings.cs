using System.Collections.Frozen;
using System.Net;
using McpGateway.Core.Framing;
using McpGateway.Core.Identity;
using Microsoft.Extensions.Configuration;

namespace McpGateway.Core.Configuration;

/// <summary>A validated, immutable configuration snapshot.</summary>
internal sealed record GatewaySettings
{
    public static readonly TimeSpan DefaultPreAuthTimeout = TimeSpan.FromSeconds(10);
    public const int DefaultMaxPendingRequests = 1024;
    public static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(30);

    public required IPEndPoint Endpoint { get; init; }

    public required AuthMode AuthMode { get; init; }

    /// <summary>The issuer and validation rules; set exactly when <see cref="AuthMode"/> is <see cref="AuthMode.Oidc"/>.</summary>
    public OidcSettings? Oidc { get; init; }

    /// <summary>TLS on the listener; null for plaintext, which validation allows only where the configuration says so.</summary>
    public TlsSettings? Tls { get; init; }

    public bool AllowPlaintext { get; init; }

    public FrameLimits ClientLimits { get; init; } = FrameLimits.Default;

    public FrameLimits UpstreamLimits { get; init; } = FrameLimits.Default;

    public TimeSpan PreAuthTimeout { get; init; } = DefaultPreAuthTimeout;

    public int MaxPendingRequests { get; init; } = DefaultMaxPendingRequests;

    public IReadOnlyList<string> Inspectors { get; init; } = [];

    /// <summary>Absolute paths of plugin assemblies.</summary>
    public IReadOnlyList<string> Plugins { get; init; } = [];

    /// <summary>The <c>pluginOptions</c> section, handed to every plugin as is.</summary>
    public IConfiguration PluginOptions { get; init; } = new ConfigurationBuilder().Build();

    /// <summary>The folder relative paths in the configuration are resolved against.</summary>
    public string BaseDirectory { get; init; } = Environment.CurrentDirectory;

    public FrozenSet<string> AllowedMethods { get; init; } = FrozenSet<string>.Empty;

    public required FrozenDictionary<string, ConnectionSettings> Connections { get; init; }

    /// <summary>What the features' sections validated (the policy the gateway starts with, the masking profiles, ...), by type.</summary>
    public FeatureSettings Features { get; init; } = FeatureSettings.Empty;

    /// <summary>The configuration file the settings were read from, if any; the policy reloads from it.</summary>
    public string? SourcePath { get; init; }

    /// <summary>The admin HTTP listener (<c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>); null when not configured.</summary>
    public IPEndPoint? AdminEndpoint { get; init; }

    /// <summary><c>admin.publicUrl</c>: the admin API's base URL as approvers reach it; null to use the bound address.</summary>
    public Uri? AdminPublicUrl { get; init; }

    /// <summary>The web console on the admin listener, or null without <c>admin.console</c>.</summary>
    public ConsoleSettings? Console { get; init; }

    /// <summary>The HTTP front door; null when the configuration has no <c>http</c> section.</summary>
    public FrontDoorSettings? FrontDoor { get; init; }

    /// <summary>Session recording; null when the configuration has no <c>audit</c> section.</summary>
    public AuditSettings? Audit { get; init; }

    public LogFormat LogFormat { get; init; } = LogFormat.Simple;

    public ConnectionLimits ConnectionLimits { get; init; } = ConnectionLimits.Default;

    /// <summary>OpenTelemetry export; null when not configured.</summary>
    public TelemetrySettings? Telemetry { get; init; }

    /// <summary>On SIGTERM, how long in-flight calls may take to finish.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = DefaultShutdownTimeout;

    public Microsoft.Extensions.Logging.LogLevel LogLevel { get; init; } = Microsoft.Extensions.Logging.LogLevel.Information;

    /// <summary>A copy whose <see cref="Features"/> hold <paramref name="value"/> in place of the settings of its type (null: removed).</summary>
    public GatewaySettings WithFeature<T>(T? value)
        where T : class
        => this with { Features = Features.With(value) };

    /// <summary>The only connection, when there is exactly one; then <c>connection</c> may be left out of authenticate.</summary>
    public ConnectionSettings? SoleConnection => Connections.Count == 1 ? Connections.Values[0] : null;

    /// <summary>Whether <paramref name="identity"/> may open <paramref name="connection"/>; in mode none every identity may.</summary>
    public bool Admits(ConnectionSettings connection, GatewayIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return AuthMode == AuthMode.None || connection.Access.Admits(identity);
    }
}
