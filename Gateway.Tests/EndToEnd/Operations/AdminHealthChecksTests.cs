using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace McpGateway.Tests.EndToEnd.Operations;

/// <summary>
/// <c>/healthz</c> and <c>/readyz</c> are ASP.NET Core health checks on the real admin listener: the gateway's
/// readiness is the sum of registered checks (authenticator, audit store, features, upstreams, drain), and a draining
/// gateway says so while its last calls finish.
/// </summary>
[TestFixture]
internal sealed class AdminHealthChecksTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Test]
    [CancelAfter(60000)]
    public async Task Readyz_GatewayDrainingWithACallInFlight_Answers503NamingTheDrainWhileTheCallFinishes(CancellationToken cancellationToken)
    {
        var settings = WithAdmin(GatewayHarness.Settings(GatewayHarness.Everything())) with { ShutdownTimeout = TimeSpan.FromSeconds(20) };
        await using var gateway = await GatewayHarness.StartAsync(settings, cancellationToken);
        var before = await GetAsync(gateway, "/readyz", cancellationToken);
        await using var client = await gateway.ConnectAsync("everything", cancellationToken);
        await client.InitializeAsync(cancellationToken);
        await client.SendAsync(new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = 7,
            ["method"] = "tools/call",
            ["params"] = new JsonObject
            {
                ["name"] = "trigger-long-running-operation",
                ["arguments"] = new JsonObject { ["duration"] = 3, ["steps"] = 3 },
            },
        }, cancellationToken);
        var inFlight = await Eventually.TrueAsync(
            async token => (await GetAsync(gateway, "/metrics", token)).Body.Contains("\nmcpgw_requests_pending 1\n", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            cancellationToken);
        Assert.That(inFlight, Is.True, "the call reached the upstream");

        var stopping = gateway.Application.StopAsync(cancellationToken);
        (HttpStatusCode Status, string Body) during = (0, "");
        var saidDraining = await Eventually.TrueAsync(
            async token => (during = await GetAsync(gateway, "/readyz", token)).Status == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(10),
            cancellationToken);
        var answer = await client.ReadResponseAsync(7, cancellationToken);
        await stopping;

        Assert.Multiple(() =>
        {
            Assert.That(before.Status, Is.EqualTo(HttpStatusCode.OK), before.Body);
            Assert.That(JsonNode.Parse(before.Body)?["status"]?.GetValue<string>(), Is.EqualTo("ready"));
            Assert.That(saidDraining, Is.True, during.Body);
            Assert.That(JsonNode.Parse(during.Body)?["status"]?.GetValue<string>(), Is.EqualTo("not_ready"));
            Assert.That(JsonNode.Parse(during.Body)?["notReady"]?.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { "gateway:draining" }));
            Assert.That(answer["result"], Is.Not.Null, "the call in flight still finishes: " + answer.ToJsonString());
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task HealthCheckService_GatewayComposition_RunsEachReadinessCheckByName(CancellationToken cancellationToken)
    {
        await using var gateway = await GatewayHarness.StartAsync(WithAdmin(GatewayHarness.Settings(GatewayHarness.Everything())), cancellationToken);
        var service = gateway.Application.Services.GetRequiredService<HealthCheckService>();

        var report = await service.CheckHealthAsync(cancellationToken);
        var (status, body) = await GetAsync(gateway, "/readyz", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(report.Entries.Keys, Is.EqualTo(new[] { "authenticator", "audit", "features", "upstreams", "drain" }));
            Assert.That(report.Entries.Values.Select(e => e.Status), Is.All.EqualTo(HealthStatus.Healthy));
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body, Is.EqualTo("""{"status":"ready","notReady":[]}"""));
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Healthz_UnhealthyReadiness_StillAnswersOkBecauseTheProcessRuns(CancellationToken cancellationToken)
    {
        // A tcp upstream nobody listens on: not ready, but alive.
        var settings = WithAdmin(GatewayHarness.Settings(GatewayHarness.Everything(), GatewayHarness.Tcp("down", Infrastructure.OidcProvider.FreePort())));
        await using var gateway = await GatewayHarness.StartAsync(settings, cancellationToken);

        var ready = await GetAsync(gateway, "/readyz", cancellationToken);
        var live = await GetAsync(gateway, "/healthz", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(ready.Status, Is.EqualTo(HttpStatusCode.ServiceUnavailable), ready.Body);
            Assert.That(ready.Body, Is.EqualTo("""{"status":"not_ready","notReady":["upstream:down"]}"""));
            Assert.That(live.Status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(live.Body, Is.EqualTo("ok\n"));
        });
    }

    private static GatewaySettings WithAdmin(GatewaySettings settings) => settings with { AdminEndpoint = new IPEndPoint(IPAddress.Loopback, 0) };

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(GatewayHarness gateway, string path, CancellationToken cancellationToken)
    {
        var uri = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{gateway.Application.AdminEndpoint}{path}"));
        using var response = await Http.GetAsync(uri, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
    }
}
