namespace McpGateway.Core.Configuration;

/// <summary>The validated <c>telemetry</c> section.</summary>
internal sealed record TelemetrySettings
{
    public const string DefaultServiceName = "mcpgw";
    public static readonly TimeSpan DefaultExportInterval = TimeSpan.FromMinutes(1);

    /// <summary>The OTLP collector; below it <c>/v1/traces</c> and <c>/v1/metrics</c> with HTTP.</summary>
    public required Uri OtlpEndpoint { get; init; }

    /// <summary>True for <c>http/protobuf</c>, false for gRPC.</summary>
    public bool HttpProtobuf { get; init; }

    public string ServiceName { get; init; } = DefaultServiceName;

    public TimeSpan ExportInterval { get; init; } = DefaultExportInterval;
}
