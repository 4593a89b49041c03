using System.Collections.Frozen;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using McpGateway.Core.Chain;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Diagnostics;

/// <summary>
/// The gateway's instruments on a <see cref="Meter"/> named <c>McpGateway</c> (one instance per gateway, in DI), and the
/// <see cref="ActivitySource"/> with one activity per session. Per-frame calls add to a counter with a cached tag and
/// allocate nothing. Tag values come from closed sets (directions, error reasons, configured inspector names), so the
/// number of series stays bounded.
/// </summary>
internal sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "McpGateway";

    /// <summary>Upper bounds of the chain latency histogram's buckets, in seconds (Prometheus' defaults, shifted down to micro seconds).</summary>
    public static readonly double[] LatencyBuckets =
        [0.000_005, 0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>One activity per session (not per frame), for OpenTelemetry tracing when a listener is configured.</summary>
    public static readonly ActivitySource ActivitySource = new(MeterName);

    /// <summary>
    /// The label names of each instrument, in the order it records its tags, so an exporter can show a series that has
    /// not moved yet (a scrape then tells "zero" from "absent").
    /// </summary>
    private static readonly FrozenDictionary<string, string[]> LabelNames = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["mcpgw.connections.accepted"] = [],
        ["mcpgw.connections.active"] = [],
        ["mcpgw.sessions.authenticated"] = [],
        ["mcpgw.sessions.refused"] = ["reason"],
        ["mcpgw.frames"] = ["direction"],
        ["mcpgw.frame"] = ["direction"],
        ["mcpgw.verdicts"] = ["inspector", "verdict", "reason", "rule"],
        ["mcpgw.upstream.errors"] = ["reason"],
        ["mcpgw.approvals.notices.dropped"] = [],
        ["mcpgw.requests.pending"] = [],
        ["mcpgw.approvals.pending"] = [],
        ["mcpgw.chain.duration"] = ["direction"],
        ["mcpgw.audit.queue.depth"] = [],
        ["mcpgw.audit.commit.duration"] = [],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly KeyValuePair<string, object?> ClientToUpstream = new("direction", "client_to_upstream");
    private static readonly KeyValuePair<string, object?> UpstreamToClient = new("direction", "upstream_to_client");

    private readonly Counter<long> _connectionsAccepted;
    private readonly UpDownCounter<long> _connectionsActive;
    private readonly Counter<long> _sessionsAuthenticated;
    private readonly Counter<long> _sessionsRefused;
    private readonly Counter<long> _frames;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _verdicts;
    private readonly Counter<long> _upstreamErrors;
    private readonly Counter<long> _approvalNoticesDropped;
    private readonly Histogram<double> _chainDuration;
    private Func<long> _pendingRequests = static () => 0;
    private Func<long> _approvalsPending = static () => 0;

    public GatewayMetrics()
    {
        Meter = new Meter(MeterName);
        _connectionsAccepted = Meter.CreateCounter<long>("mcpgw.connections.accepted", "{connection}", "Client connections accepted by the listener");
        _connectionsActive = Meter.CreateUpDownCounter<long>("mcpgw.connections.active", "{connection}", "Client connections open now");
        _sessionsAuthenticated = Meter.CreateCounter<long>("mcpgw.sessions.authenticated", "{session}", "Sessions that authenticated and reached their upstream");
        _sessionsRefused = Meter.CreateCounter<long>("mcpgw.sessions.refused", "{session}", "Connections refused before a session began, by reason");
        _frames = Meter.CreateCounter<long>("mcpgw.frames", "{frame}", "Complete frames read, by direction");
        _bytes = Meter.CreateCounter<long>("mcpgw.frame", "By", "Bytes of complete frames read, by direction");
        _verdicts = Meter.CreateCounter<long>("mcpgw.verdicts", "{frame}", "Frames the gateway did not forward as sent, by inspector, verdict and reason");
        _upstreamErrors = Meter.CreateCounter<long>("mcpgw.upstream.errors", "{error}", "Calls failed because of the upstream, by reason");
        _approvalNoticesDropped = Meter.CreateCounter<long>("mcpgw.approvals.notices.dropped", "{notice}", "Notices of held calls not sent: over approvals.maxNoticesPerWindow for their identity and rule");
        Meter.CreateObservableGauge("mcpgw.requests.pending", () => _pendingRequests(), "{request}", "Client requests forwarded and not answered yet, over all sessions");
        Meter.CreateObservableGauge("mcpgw.approvals.pending", () => _approvalsPending(), "{request}", "Calls held on this instance until approvers decide");
        _chainDuration = Meter.CreateHistogram(
            "mcpgw.chain.duration",
            "s",
            "Time one frame spends in the inspector chain, by direction",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
    }

    /// <summary>A gateway's own meter; exporters select it by reference, OpenTelemetry by its name.</summary>
    public Meter Meter { get; }

    /// <summary>The label names an instrument of this meter records, in order; null for one created elsewhere (its first measurement names them).</summary>
    public static string[]? LabelNamesOf(string instrument) => LabelNames.GetValueOrDefault(instrument);

    /// <summary>Where the pending-requests gauge reads its value when scraped.</summary>
    public void ObservePendingRequests(Func<long> source) => _pendingRequests = source;

    /// <summary>Where the approvals-pending gauge reads its value when scraped.</summary>
    public void ObserveApprovalsPending(Func<long> source) => _approvalsPending = source;

    public void ConnectionOpened()
    {
        _connectionsAccepted.Add(1);
        _connectionsActive.Add(1);
    }

    public void ConnectionClosed() => _connectionsActive.Add(-1);

    public void SessionAuthenticated() => _sessionsAuthenticated.Add(1);

    public void ApprovalNoticeDropped() => _approvalNoticesDropped.Add(1);

    public void SessionRefused(string reason) => _sessionsRefused.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void FrameRead(FrameDirection direction, long bytes)
    {
        var tag = Tag(direction);
        _frames.Add(1, tag);
        _bytes.Add(bytes, tag);
    }

    /// <summary>True while someone listens to the chain latency histogram; the session reads the clock only then.</summary>
    public bool TimesChain => _chainDuration.Enabled;

    public void ChainRan(FrameDirection direction, double seconds) => _chainDuration.Record(seconds, Tag(direction));

    /// <summary>A frame not forwarded as sent: rejected, answered by an inspector, or held. The rule label comes from configuration.</summary>
    public void Verdict(string inspector, VerdictKind verdict, GatewayError? error)
    {
        var tags = new TagList
        {
            { "inspector", inspector },
            { "verdict", VerdictName(verdict) },
            { "reason", error?.Reason ?? "" },
            { "rule", error?.Rule ?? "" },
        };
        _verdicts.Add(1, in tags);
    }

    public void UpstreamError(GatewayError error, int calls) =>
        _upstreamErrors.Add(calls, new KeyValuePair<string, object?>("reason", error.Reason));

    public void Dispose() => Meter.Dispose();

    private static string VerdictName(VerdictKind verdict) => verdict switch
    {
        VerdictKind.Reject => "reject",
        VerdictKind.Respond => "respond",
        VerdictKind.Hold => "hold",
        VerdictKind.Replace => "replace",
        _ => "forward",
    };

    private static KeyValuePair<string, object?> Tag(FrameDirection direction) =>
        direction == FrameDirection.ClientToUpstream ? ClientToUpstream : UpstreamToClient;
}
