namespace McpGateway.Core.Diagnostics;

/// <summary>
/// The one registry of log event ids: each area owns a range, and only the log classes named there may use it, so an
/// operator can alert on one event without catching another. A new log class claims a range here first
/// (Gateway.Tests' LogEventIdTests holds every <c>[LoggerMessage]</c> of the gateway's assemblies to it).
/// </summary>
internal static class LogEventIds
{
    public static IReadOnlyList<LogEventRange> Ranges { get; } =
    [
        new("gateway", 1000, 1099, ["GatewayLog"]),
        new("tls", 1100, 1129, ["TlsLog"]),
        new("gateway-made frames", 1130, 1199, ["GatewayFramesLog"]),
        new("listener", 1200, 1299, ["ListenerLog"]),
        new("drain", 1300, 1399, ["DrainLog"]),
        new("sessions and upstreams", 2000, 4099, ["GatewayLog"]),
        new("http upstreams", 4100, 4199, ["HttpLog"]),
        new("warm upstream sockets", 4200, 4219, ["WarmUpstreamLog"]),
        new("oidc", 5000, 5499, ["OidcLog"]),
        new("bridge", 5500, 5999, ["BridgeLog"]),
        new("policy", 6000, 6999, ["PolicyLog"]),
        new("recording", 7000, 7999, ["RecordingLog"]),
        new("masking", 8000, 8999, ["MaskingLog"]),
        new("approvals", 9000, 9099, ["ApprovalLog", "ApprovalLimitLog"]),
        new("front door", 9100, 9199, ["FrontDoorLog"]),
        new("web console", 9700, 9799, ["ConsoleLog"]),
        new("out-of-process inspectors", 10000, 10099, ["ExternalInspectorLog"]),
    ];
}
