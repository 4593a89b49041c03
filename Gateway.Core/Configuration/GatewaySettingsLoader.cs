using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using McpGateway.Core.Framing;
using Microsoft.Extensions.Configuration;

namespace McpGateway.Core.Configuration;

/// <summary>
/// Turns configuration into a <see cref="GatewaySettings"/> snapshot, reporting every mistake at once with the
/// path it was found at. It validates the core of the file (listen, auth, limits, operations; connections through
/// <see cref="ConnectionSettingsParser"/>) and
/// orchestrates the rest: each feature's <see cref="ISettingsSection"/> binds and validates its own section, in the
/// order given, into the same list of errors.
/// </summary>
internal static class GatewaySettingsLoader
{
    /// <summary>Reads a JSON file with <c>MCPGW_</c> environment-variable overrides (<c>MCPGW_Limits__MaxDepth=32</c>).</summary>
    public static GatewaySettings LoadFile(string path, IReadOnlyList<ISettingsSection> sections)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new InvalidConfigurationException([$"{path}: the configuration file does not exist"]);
        }

        IConfiguration configuration;
        try
        {
            configuration = new ConfigurationBuilder()
                .AddJsonFile(fullPath, optional: false, reloadOnChange: false)
                .AddEnvironmentVariables("MCPGW_")
                .Build();
        }
        catch (Exception ex) when (ex is FormatException or InvalidDataException or IOException)
        {
            throw new InvalidConfigurationException([$"{path}: {ex.Message}"]);
        }

        return Load(configuration, Path.GetDirectoryName(fullPath)!, sections) with { SourcePath = fullPath };
    }

    public static GatewaySettings Load(IConfiguration configuration, string baseDirectory, IReadOnlyList<ISettingsSection> sections)
    {
        var options = new GatewayOptions();
        var bound = new Dictionary<Type, object?>();
        try
        {
            configuration.Bind(options);
            foreach (var section in sections)
            {
                bound[section.OptionsType] = configuration.GetSection(section.Key).Get(section.OptionsType);
            }
        }
        catch (InvalidOperationException ex)
        {
            throw new InvalidConfigurationException([ex.Message]);
        }

        // "audience": "x" is one audience; the binder only fills the list from an array.
        if (configuration.GetSection("auth:audience").Value is { } audience)
        {
            options.Auth.Audience.Add(audience);
        }

        // "audit": {} turns recording on with every default; the binder leaves an empty section null.
        if (options.Audit is null && configuration.GetChildren().Any(c => string.Equals(c.Key, "audit", StringComparison.OrdinalIgnoreCase)))
        {
            options.Audit = new AuditOptions();
        }

        return Validate(options, baseDirectory, sections, bound) with
        {
            PluginOptions = configuration.GetSection("pluginOptions"),
            BaseDirectory = baseDirectory,
        };
    }

    /// <param name="options">The core of the file.</param>
    /// <param name="baseDirectory">Where relative paths start.</param>
    /// <param name="sections">The features' sections, run in this order.</param>
    /// <param name="bound">Each section's options as bound, by <see cref="ISettingsSection.OptionsType"/> (null: not in the file).</param>
    public static GatewaySettings Validate(GatewayOptions options, string baseDirectory, IReadOnlyList<ISettingsSection> sections, IReadOnlyDictionary<Type, object?> bound)
    {
        var errors = new List<string>();

        var endpoint = ParseEndpoint(options.Listen, errors);
        var authMode = ParseAuth(options.Auth, errors);
        var oidc = authMode == AuthMode.Oidc ? OidcSettingsValidator.Validate(options.Auth, baseDirectory, errors) : null;
        var tls = options.Tls is null ? null : TlsSettingsLoader.Parse(options.Tls, baseDirectory, errors);
        if (options.Tls is null && options.AllowPlaintext != true && endpoint is not null
            && !(authMode == AuthMode.None && DevelopmentAuthListeners.IsLoopback(endpoint.Address)))
        {
            errors.Add("tls: required; a plaintext listener needs \"allowPlaintext\": true (only auth mode none on a loopback address may leave both out)");
        }
        var limits = options.Limits;
        var maxFrame = Positive(limits.MaxFrameBytes, FrameLimits.DefaultMaxFrameBytes, "limits.maxFrameBytes", errors);
        var maxUpstreamFrame = Positive(limits.MaxUpstreamFrameBytes, maxFrame, "limits.maxUpstreamFrameBytes", errors);
        var maxDepth = Positive(limits.MaxDepth, FrameLimits.DefaultMaxDepth, "limits.maxDepth", errors);
        if (maxDepth > 256)
        {
            errors.Add("limits.maxDepth: at most 256");
        }

        var preAuth = PositiveTime(limits.PreAuthTimeout, GatewaySettings.DefaultPreAuthTimeout, "limits.preAuthTimeout", errors);
        var maxPending = Positive(limits.MaxPendingRequests, GatewaySettings.DefaultMaxPendingRequests, "limits.maxPendingRequests", errors);

        var connections = ConnectionSettingsParser.ParseAll(options.Connections, baseDirectory, errors);

        for (var i = 0; i < options.Inspectors.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.Inspectors[i]))
            {
                errors.Add($"inspectors[{i}]: a name is required");
            }
        }

        var plugins = new List<string>();
        for (var i = 0; i < options.Plugins.Count; i++)
        {
            var plugin = Path.GetFullPath(options.Plugins[i], baseDirectory);
            if (!File.Exists(plugin))
            {
                errors.Add($"plugins[{i}]: assembly '{plugin}' does not exist");
            }

            plugins.Add(plugin);
        }

        for (var i = 0; i < options.AllowedMethods.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.AllowedMethods[i]))
            {
                errors.Add($"allowedMethods[{i}]: a method name is required");
            }
        }

        var adminEndpoint = OperationsSettingsLoader.ParseAdmin(options.Admin, errors);
        DevelopmentAuthListeners.Check(authMode, "listen", endpoint, options.Listen, errors);
        DevelopmentAuthListeners.Check(authMode, "admin.listen", adminEndpoint, options.Admin?.Listen, errors);
        var adminPublicUrl = OperationsSettingsLoader.ParseAdminPublicUrl(options.Admin, errors);
        var frontDoor = FrontDoorSettingsLoader.Parse(options.Http, options, authMode, errors);
        var logFormat = OperationsSettingsLoader.ParseLogFormat(options.Logging.Format, errors);
        var logLevel = OperationsSettingsLoader.ParseLogLevel(options.Logging.Level, errors);
        var connectionLimits = OperationsSettingsLoader.ParseConnectionLimits(options.Limits, errors);
        var shutdownTimeout = OperationsSettingsLoader.ParseShutdownTimeout(options.ShutdownTimeout, errors);
        var telemetry = OperationsSettingsLoader.ParseTelemetry(options.Telemetry, errors);
        var audit = AuditSettings.Parse(options.Audit, baseDirectory, errors, endpoint?.Port ?? 0);

        var features = new SettingsSectionContext(options, bound, baseDirectory, errors);
        foreach (var section in sections)
        {
            section.Validate(bound.GetValueOrDefault(section.OptionsType), features);
        }

        if (adminEndpoint is not null && !System.Net.IPAddress.IsLoopback(adminEndpoint.Address)
            && (features.AdminTakesBearerTokens || audit is { AuditorGroups.Count: > 0 }) && adminPublicUrl?.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add("admin.publicUrl: the admin API takes approvers' and auditors' bearer tokens and the admin listener speaks plain http; "
                + "with a non-loopback admin.listen, put a TLS proxy in front of it and name its https:// URL here");
        }

        var console = ConsoleSettings.Parse(options.Admin, oidc, adminEndpoint, adminPublicUrl, features.AdminTakesBearerTokens || audit is not null, errors);
        if (errors.Count > 0)
        {
            throw new InvalidConfigurationException(errors);
        }

        return new GatewaySettings
        {
            Endpoint = endpoint!,
            AuthMode = authMode,
            Oidc = oidc,
            Tls = tls,
            AllowPlaintext = options.AllowPlaintext == true,
            ClientLimits = new FrameLimits(maxFrame, maxDepth),
            UpstreamLimits = new FrameLimits(maxUpstreamFrame, maxDepth),
            PreAuthTimeout = preAuth,
            MaxPendingRequests = maxPending,
            Inspectors = [.. options.Inspectors],
            Plugins = plugins,
            AllowedMethods = options.AllowedMethods.ToFrozenSet(StringComparer.Ordinal),
            Connections = connections,
            Features = features.Features,
            AdminEndpoint = adminEndpoint,
            AdminPublicUrl = adminPublicUrl,
            Console = console,
            FrontDoor = frontDoor,
            LogFormat = logFormat,
            LogLevel = logLevel,
            ConnectionLimits = connectionLimits,
            ShutdownTimeout = shutdownTimeout,
            Telemetry = telemetry,
            Audit = audit,
        };
    }

    private static IPEndPoint? ParseEndpoint(string? listen, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(listen))
        {
            errors.Add("listen: required, e.g. \"127.0.0.1:7400\"");
            return null;
        }

        return ListenAddress.Parse("listen", listen, errors);
    }

    private static AuthMode ParseAuth(AuthOptions auth, List<string> errors)
    {
        switch (auth.Mode?.Trim().ToUpperInvariant())
        {
            case "NONE":
                return AuthMode.None;
            case "OIDC":
                return AuthMode.Oidc;
            case null or "":
                errors.Add("auth.mode: required; \"oidc\" (JWT access tokens from an OpenID Connect issuer) or \"none\" (development: any token is accepted)");
                return AuthMode.None;
            default:
                errors.Add($"auth.mode: '{auth.Mode}' is not supported; one of oidc, none");
                return AuthMode.None;
        }
    }

    private static int Positive(int? value, int fallback, string path, List<string> errors)
    {
        if (value is null)
        {
            return fallback;
        }

        if (value <= 0)
        {
            errors.Add(string.Create(CultureInfo.InvariantCulture, $"{path}: must be positive, was {value}"));
            return fallback;
        }

        return value.Value;
    }

    internal static TimeSpan PositiveTime(TimeSpan? value, TimeSpan fallback, string path, List<string> errors)
    {
        if (value is null)
        {
            return fallback;
        }

        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{path}: must be positive");
            return fallback;
        }

        return value.Value;
    }
}
