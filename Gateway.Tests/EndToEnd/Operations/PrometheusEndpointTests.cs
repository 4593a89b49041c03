using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.Support;

namespace McpGateway.Tests.EndToEnd.Operations;

/// <summary>
/// <c>/metrics</c> on the real admin listener, served by prometheus-net from the gateway's own registry: the Prometheus
/// text format by default, OpenMetrics when a scraper asks for it, one registry per gateway, and a connections gauge
/// that comes back to zero when the clients are gone.
/// </summary>
[TestFixture]
internal sealed class PrometheusEndpointTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Test]
    [CancelAfter(30000)]
    public async Task Metrics_ScraperAsksForOpenMetrics_AnswersOpenMetricsEndingInEof(CancellationToken cancellationToken)
    {
        await using var gateway = await GatewayHarness.StartAsync(WithAdmin(GatewayHarness.Settings(GatewayHarness.Everything())), cancellationToken);
        await using (var client = await gateway.ConnectAsync("everything", cancellationToken))
        {
            await client.InitializeAsync(cancellationToken);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, MetricsUri(gateway));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/openmetrics-text"));
        using var response = await Http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/openmetrics-text"));
            Assert.That(text, Does.EndWith("# EOF\n"));
            Assert.That(text, Does.Contain("# TYPE mcpgw_connections_accepted counter\n"), "an OpenMetrics counter family drops _total, its sample keeps it");
            Assert.That(text, Does.Contain("\nmcpgw_connections_accepted_total 1.0\n"), text);
        });
    }

    [Test]
    [CancelAfter(40000)]
    public async Task Metrics_TwoGatewaysInOneProcess_EachScrapeCountsOnlyItsOwnConnections(CancellationToken cancellationToken)
    {
        await using var busy = await GatewayHarness.StartAsync(WithAdmin(GatewayHarness.Settings(GatewayHarness.Everything())), cancellationToken);
        await using var idle = await GatewayHarness.StartAsync(WithAdmin(GatewayHarness.Settings(GatewayHarness.Everything())), cancellationToken);
        for (var i = 0; i < 2; i++)
        {
            await using var client = await busy.ConnectAsync("everything", cancellationToken);
            await client.InitializeAsync(cancellationToken);
        }

        var busyText = await Http.GetStringAsync(MetricsUri(busy), cancellationToken);
        var idleText = await Http.GetStringAsync(MetricsUri(idle), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(Value(busyText, "mcpgw_connections_accepted_total"), Is.EqualTo(2), busyText);
            Assert.That(Value(idleText, "mcpgw_connections_accepted_total"), Is.Zero, idleText);
            Assert.That(Value(idleText, "process_cpu_seconds_total"), Is.GreaterThan(0), "prometheus-net's process metrics come along");
        });
    }

    [Test]
    [CancelAfter(40000)]
    public async Task Metrics_ClientsDisconnect_ConnectionsActiveBackToZero(CancellationToken cancellationToken)
    {
        await using var gateway = await GatewayHarness.StartAsync(WithAdmin(GatewayHarness.Settings(GatewayHarness.Everything())), cancellationToken);
        var first = await gateway.ConnectAsync("everything", cancellationToken);
        var second = await gateway.ConnectAsync("everything", cancellationToken);
        await first.InitializeAsync(cancellationToken);
        await second.InitializeAsync(cancellationToken);

        var during = Value(await Http.GetStringAsync(MetricsUri(gateway), cancellationToken), "mcpgw_connections_active");
        await first.DisposeAsync();
        await second.DisposeAsync();
        var after = double.NaN;
        var backToZero = await Eventually.TrueAsync(
            async token => (after = Value(await Http.GetStringAsync(MetricsUri(gateway), token), "mcpgw_connections_active")) == 0,
            TimeSpan.FromSeconds(15),
            cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(during, Is.EqualTo(2));
            Assert.That(backToZero, Is.True, $"mcpgw_connections_active stayed {after}");
        });
    }

    private static GatewaySettings WithAdmin(GatewaySettings settings) => settings with { AdminEndpoint = new IPEndPoint(IPAddress.Loopback, 0) };

    private static Uri MetricsUri(GatewayHarness gateway) =>
        new(string.Create(CultureInfo.InvariantCulture, $"http://{gateway.Application.AdminEndpoint}/metrics"));

    /// <summary>The value of the sample whose name and labels are exactly <paramref name="series"/>; NaN when absent.</summary>
    private static double Value(string text, string series)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return double.NaN;
    }
}
