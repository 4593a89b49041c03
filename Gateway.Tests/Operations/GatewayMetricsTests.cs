using McpGateway.Core.Chain;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Tests.Operations;

/// <summary>The instruments and their Prometheus text: what a scrape shows, and that per-frame counting allocates nothing.</summary>
[TestFixture]
internal sealed class GatewayMetricsTests
{
    [Test]
    public void FrameReadAndChainRan_WithExporterListening_AllocateNothingPerFrame()
    {
        using var metrics = new GatewayMetrics();
        using var exporter = new PrometheusExporter(metrics);
        RecordFrames(metrics, 10);

        var before = GC.GetAllocatedBytesForCurrentThread();
        RecordFrames(metrics, 1000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void Write_AfterMeasurements_ShowsCountersGaugesAndCumulativeBuckets()
    {
        using var metrics = new GatewayMetrics();
        using var exporter = new PrometheusExporter(metrics);
        metrics.ConnectionOpened();
        metrics.ConnectionOpened();
        metrics.ConnectionClosed();
        metrics.FrameRead(FrameDirection.ClientToUpstream, 100);
        metrics.FrameRead(FrameDirection.ClientToUpstream, 50);
        metrics.FrameRead(FrameDirection.UpstreamToClient, 7);
        metrics.ChainRan(FrameDirection.ClientToUpstream, 0.000_003);
        metrics.ChainRan(FrameDirection.ClientToUpstream, 0.2);
        metrics.Verdict("blocking", VerdictKind.Reject, GatewayErrors.MethodNotFound.WithRule("no-\"quotes\""));
        metrics.SessionRefused("invalid_token");
        metrics.ObservePendingRequests(() => 3);

        var text = exporter.Write();

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("# TYPE mcpgw_connections_accepted_total counter\nmcpgw_connections_accepted_total 2\n"));
            Assert.That(text, Does.Contain("# TYPE mcpgw_connections_active gauge\nmcpgw_connections_active 1\n"));
            Assert.That(text, Does.Contain("mcpgw_frames_total{direction=\"client_to_upstream\"} 2\n"));
            Assert.That(text, Does.Contain("mcpgw_frames_total{direction=\"upstream_to_client\"} 1\n"));
            Assert.That(text, Does.Contain("mcpgw_frame_bytes_total{direction=\"client_to_upstream\"} 150\n"));
            Assert.That(text, Does.Contain("# TYPE mcpgw_chain_duration_seconds histogram\n"));
            Assert.That(text, Does.Contain("mcpgw_chain_duration_seconds_bucket{direction=\"client_to_upstream\",le=\"5e-06\"} 1\n"));
            Assert.That(text, Does.Contain("mcpgw_chain_duration_seconds_bucket{direction=\"client_to_upstream\",le=\"0.1\"} 1\n"));
            Assert.That(text, Does.Contain("mcpgw_chain_duration_seconds_bucket{direction=\"client_to_upstream\",le=\"0.25\"} 2\n"));
            Assert.That(text, Does.Contain("mcpgw_chain_duration_seconds_bucket{direction=\"client_to_upstream\",le=\"+Inf\"} 2\n"));
            Assert.That(text, Does.Contain("mcpgw_chain_duration_seconds_count{direction=\"client_to_upstream\"} 2\n"));
            Assert.That(text, Does.Contain("mcpgw_verdicts_total{inspector=\"blocking\",verdict=\"reject\",reason=\"unknown_method\",rule=\"no-\\\"quotes\\\"\"} 1\n"));
            Assert.That(text, Does.Contain("mcpgw_sessions_refused_total{reason=\"invalid_token\"} 1\n"));
            Assert.That(text, Does.Contain("mcpgw_sessions_authenticated_total 0\n"), "a counter that has not moved yet still shows");
            Assert.That(text, Does.Contain("# TYPE mcpgw_requests_pending gauge\nmcpgw_requests_pending 3\n"));
        });
    }

    [Test]
    public void Write_TwoGatewaysInOneProcess_EachExporterSeesOnlyItsOwnMeter()
    {
        using var first = new GatewayMetrics();
        using var second = new GatewayMetrics();
        using var exporter = new PrometheusExporter(first);

        second.ConnectionOpened();

        Assert.That(exporter.Write(), Does.Contain("mcpgw_connections_accepted_total 0\n"));
    }

    [Test]
    public void Verdict_ManyDistinctRules_SeriesStayBounded()
    {
        using var metrics = new GatewayMetrics();
        using var exporter = new PrometheusExporter(metrics);

        for (var i = 0; i < InstrumentSeries.MaxSeries * 2; i++)
        {
            metrics.Verdict("blocking", VerdictKind.Reject, GatewayErrors.MethodNotFound.WithRule("rule-" + i));
        }

        var lines = exporter.Write().Split('\n').Count(l => l.StartsWith("mcpgw_verdicts_total{", StringComparison.Ordinal));
        Assert.That(lines, Is.EqualTo(InstrumentSeries.MaxSeries));
    }

    private static void RecordFrames(GatewayMetrics metrics, int count)
    {
        for (var i = 0; i < count; i++)
        {
            metrics.FrameRead(FrameDirection.ClientToUpstream, 120);
            metrics.ChainRan(FrameDirection.ClientToUpstream, 0.000_01);
            metrics.FrameRead(FrameDirection.UpstreamToClient, 300);
            metrics.ChainRan(FrameDirection.UpstreamToClient, 0.000_02);
        }
    }
}
