using McpGateway.Core.Configuration;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace McpGateway.Core.Diagnostics;

/// <summary>
/// With a <c>telemetry</c> section: the <c>McpGateway</c> activity source (one span per session) and meter exported over
/// OTLP to a collector. Started with the gateway; disposing it flushes what is still buffered.
/// </summary>
internal sealed class OpenTelemetryExport : IDisposable
{
    private readonly TracerProvider _traces;
    private readonly MeterProvider _metrics;

    public OpenTelemetryExport(TelemetrySettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var resource = ResourceBuilder.CreateDefault().AddService(settings.ServiceName);
        _traces = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(GatewayMetrics.MeterName)
            .AddOtlpExporter(otlp => Configure(otlp, settings, "v1/traces"))
            .Build();
        _metrics = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(GatewayMetrics.MeterName)
            .AddOtlpExporter((otlp, reader) =>
            {
                Configure(otlp, settings, "v1/metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)settings.ExportInterval.TotalMilliseconds;
            })
            .Build();
    }

    public void Dispose()
    {
        _traces.Dispose();
        _metrics.Dispose();
    }

    private static void Configure(OtlpExporterOptions otlp, TelemetrySettings settings, string httpPath)
    {
        otlp.Protocol = settings.HttpProtobuf ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;

        // Set in code, the HTTP endpoint is used as given: the signal's path is added here.
        otlp.Endpoint = settings.HttpProtobuf ? new Uri(settings.OtlpEndpoint, httpPath) : settings.OtlpEndpoint;
    }
}
