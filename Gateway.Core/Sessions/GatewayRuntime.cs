using McpGateway.Core.Chain;
using McpGateway.Core.Configuration;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.Identity;
using McpGateway.Core.Listener;
using McpGateway.Core.Recording;
using McpGateway.Core.Upstreams;
using Microsoft.Extensions.Logging;

namespace McpGateway.Core.Sessions;

/// <summary>What every session of a running gateway shares: settings, the frozen chain, upstream access, time.</summary>
internal sealed class GatewayRuntime : IDisposable
{
    public GatewayRuntime(
        GatewaySettings settings,
        InspectorChain chain,
        IGatewayAuthenticator authenticator,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory,
        IUpstreamConnector? connector = null,
        GatewayMetrics? metrics = null,
        GatewayDrain? drain = null,
        ISessionRecorder? recorder = null,
        DescriptorBudget? descriptors = null,
        WarmUpstreams? warm = null)
    {
        Recorder = recorder;
        Settings = settings;
        Chain = chain;
        Authenticator = authenticator;
        TimeProvider = timeProvider;
        Metrics = metrics ?? new GatewayMetrics();
        Limiter = new ConnectionLimiter(settings.ConnectionLimits, descriptors);
        Drain = drain ?? new GatewayDrain(settings, timeProvider, loggerFactory.CreateLogger<GatewayDrain>());
        Metrics.ObservePendingRequests(() => Drain.PendingRequests);
        Logger = loggerFactory.CreateLogger("McpGateway.Sessions");
        Connector = connector ?? new UpstreamConnector(settings, timeProvider, loggerFactory.CreateLogger("McpGateway.Upstreams"), warm);
    }

    public GatewaySettings Settings { get; }

    public InspectorChain Chain { get; }

    public IGatewayAuthenticator Authenticator { get; }

    public TimeProvider TimeProvider { get; }

    public ILogger Logger { get; }

    public IUpstreamConnector Connector { get; }

    public GatewayMetrics Metrics { get; }

    public ConnectionLimiter Limiter { get; }

    public GatewayDrain Drain { get; }

    /// <summary>Makes the audit records; handed to each session's recording stage only. Null when recording is off.</summary>
    public ISessionRecorder? Recorder { get; }

    /// <summary>Releases what the upstream connector pools (HTTP connections).</summary>
    public void Dispose() => (Connector as IDisposable)?.Dispose();
}
