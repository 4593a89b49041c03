using System.Net;
using Microsoft.Extensions.Logging;

namespace McpGateway.Core.Configuration;

/// <summary>Validates the operator's sections (<c>admin</c>, <c>logging</c>), adding every mistake to the caller's list with its path.</summary>
internal static class OperationsSettingsLoader
{
    public static IPEndPoint? ParseAdmin(AdminOptions? admin, List<string> errors)
    {
        if (admin is null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(admin.Listen))
        {
            errors.Add("admin.listen: required when the admin section is present, e.g. \"127.0.0.1:7401\"");
            return null;
        }

        if (ListenAddress.Parse("admin.listen", admin.Listen, errors) is not { } endpoint)
        {
            return null;
        }

        if (!IPAddress.IsLoopback(endpoint.Address) && admin.AllowRemote != true)
        {
            errors.Add($"admin.listen: '{admin.Listen}' is not a loopback address; set \"allowRemote\": true to expose the admin endpoints");
            return null;
        }

        return endpoint;
    }

    public static Uri? ParseAdminPublicUrl(AdminOptions? admin, List<string> errors)
    {
        if (admin?.PublicUrl is null)
        {
            return null;
        }

        var url = HttpConnectionParser.ParseUrl("admin.publicUrl", admin.PublicUrl, "an absolute URL, e.g. \"https://mcpgw-admin.example.com\"", errors);
        if (url is not null && !string.IsNullOrEmpty(url.Query))
        {
            errors.Add("admin.publicUrl: a base URL takes no query");
            return null;
        }

        return url;
    }

    public static LogFormat ParseLogFormat(string? format, List<string> errors)
    {
        switch (format?.Trim().ToUpperInvariant())
        {
            case null or "" or "SIMPLE":
                return LogFormat.Simple;
            case "JSON":
                return LogFormat.Json;
            default:
                errors.Add($"logging.format: '{format}' is not one of simple, json");
                return LogFormat.Simple;
        }
    }

    public static LogLevel ParseLogLevel(string? level, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(level))
        {
            return LogLevel.Information;
        }

        if (!Enum.TryParse<LogLevel>(level.Trim(), ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(level, out _))
        {
            errors.Add($"logging.level: '{level}' is not one of Trace, Debug, Information, Warning, Error, Critical, None");
            return LogLevel.Information;
        }

        return parsed;
    }

    public static ConnectionLimits ParseConnectionLimits(LimitOptions limits, List<string> errors) => new()
    {
        MaxConnections = AtLeastOne(limits.MaxConnections, ConnectionLimits.DefaultMaxConnections, "limits.maxConnections", errors),
        MaxConnectionsPerIdentity = AtLeastOne(limits.MaxConnectionsPerIdentity, ConnectionLimits.DefaultMaxConnectionsPerIdentity, "limits.maxConnectionsPerIdentity", errors),
        MaxUnauthenticatedConnections = AtLeastOne(limits.MaxUnauthenticatedConnections, ConnectionLimits.DefaultMaxUnauthenticatedConnections, "limits.maxUnauthenticatedConnections", errors),
        MaxUnauthenticatedPerAddress = AtLeastOne(limits.MaxUnauthenticatedPerAddress, ConnectionLimits.DefaultMaxUnauthenticatedPerAddress, "limits.maxUnauthenticatedPerAddress", errors),
        MaxConnectionsPerAddress = AtLeastOne(limits.MaxConnectionsPerAddress, ConnectionLimits.DefaultMaxConnectionsPerAddress, "limits.maxConnectionsPerAddress", errors),
        MaxHttpConnections = AtLeastOne(limits.MaxHttpConnections, ConnectionLimits.DefaultMaxHttpConnections, "limits.maxHttpConnections", errors),
        MaxAdminConnections = AtLeastOne(limits.MaxAdminConnections, ConnectionLimits.DefaultMaxAdminConnections, "limits.maxAdminConnections", errors),
        RequestHeadersTimeout = PositiveTime(limits.RequestHeadersTimeout, ConnectionLimits.DefaultRequestHeadersTimeout, "limits.requestHeadersTimeout", errors),
        KeepAliveTimeout = PositiveTime(limits.KeepAliveTimeout, ConnectionLimits.DefaultKeepAliveTimeout, "limits.keepAliveTimeout", errors),
        MinRequestBodyBytesPerSecond = AtLeastOne(limits.MinRequestBodyBytesPerSecond, ConnectionLimits.DefaultMinRequestBodyBytesPerSecond, "limits.minRequestBodyBytesPerSecond", errors),
        FileDescriptorReserve = limits.FileDescriptorReserve is { } reserve ? AtLeastOne(reserve, 1, "limits.fileDescriptorReserve", errors) : null,
        IdleTimeout = PositiveTime(limits.IdleTimeout, ConnectionLimits.DefaultIdleTimeout, "limits.idleTimeout", errors),
    };

    public static TimeSpan ParseShutdownTimeout(TimeSpan? timeout, List<string> errors)
    {
        if (timeout is { } value && value < TimeSpan.Zero)
        {
            errors.Add("shutdownTimeout: must not be negative");
            return GatewaySettings.DefaultShutdownTimeout;
        }

        return timeout ?? GatewaySettings.DefaultShutdownTimeout;
    }

    public static TelemetrySettings? ParseTelemetry(TelemetryOptions? telemetry, List<string> errors)
    {
        if (telemetry is null)
        {
            return null;
        }

        var countBefore = errors.Count;
        if (!Uri.TryCreate(telemetry.OtlpEndpoint, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"telemetry.otlpEndpoint: '{telemetry.OtlpEndpoint}' is not an http(s) URL, e.g. \"http://otel-collector:4317\"");
        }

        var httpProtobuf = false;
        switch (telemetry.Protocol?.Trim().ToUpperInvariant())
        {
            case null or "" or "GRPC":
                break;
            case "HTTP/PROTOBUF":
                httpProtobuf = true;
                break;
            default:
                errors.Add($"telemetry.protocol: '{telemetry.Protocol}' is not one of grpc, http/protobuf");
                break;
        }

        if (telemetry.ServiceName is { } name && string.IsNullOrWhiteSpace(name))
        {
            errors.Add("telemetry.serviceName: must not be empty");
        }

        var interval = PositiveTime(telemetry.ExportInterval, TelemetrySettings.DefaultExportInterval, "telemetry.exportInterval", errors);
        return errors.Count > countBefore ? null : new TelemetrySettings
        {
            OtlpEndpoint = endpoint!,
            HttpProtobuf = httpProtobuf,
            ServiceName = telemetry.ServiceName?.Trim() ?? TelemetrySettings.DefaultServiceName,
            ExportInterval = interval,
        };
    }

    private static int AtLeastOne(int? value, int fallback, string path, List<string> errors)
    {
        if (value is < 1)
        {
            errors.Add($"{path}: must be at least 1, was {value}");
            return fallback;
        }

        return value ?? fallback;
    }

    private static TimeSpan PositiveTime(TimeSpan? value, TimeSpan fallback, string path, List<string> errors)
    {
        if (value is { } given && given <= TimeSpan.Zero)
        {
            errors.Add($"{path}: must be positive");
            return fallback;
        }

        return value ?? fallback;
    }
}
