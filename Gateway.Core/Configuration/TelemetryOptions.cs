namespace McpGateway.Core.Configuration;

/// <summary>The <c>telemetry</c> section: OpenTelemetry export of the gateway's traces and metrics over OTLP. Absent: no export.</summary>
internal sealed class TelemetryOptions
{
    /// <summary>The collector, e.g. <c>http://otel-collector:4317</c> (gRPC) or <c>http://otel-collector:4318</c> (HTTP).</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> (default) or <c>http/protobuf</c>.</summary>
    public string? Protocol { get; set; }

    /// <summary>The <c>service.name</c> resource attribute; default <c>mcpgw</c>.</summary>
    public string? ServiceName { get; set; }

    /// <summary>How often metrics are exported; default one minute.</summary>
    public TimeSpan? ExportInterval { get; set; }
}
