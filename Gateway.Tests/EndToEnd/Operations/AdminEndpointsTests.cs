using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.Operations;

/// <summary>The admin listener over real HTTP: liveness, readiness that follows the IdP and a tcp upstream, and metrics after real traffic.</summary>
[TestFixture]
internal sealed class AdminEndpointsTests
{
    private static readonly TimeSpan FlipWithin = TimeSpan.FromSeconds(15);

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Test]
    [CancelAfter(30000)]
    public async Task Metrics_AfterRealTraffic_CountersMoved(CancellationToken cancellationToken)
    {
        await using var gateway = await GatewayHarness.StartAsync(WithAdmin(GatewayHarness.Settings(GatewayHarness.Everything())), cancellationToken);
        await using (var client = await gateway.ConnectAsync("everything", cancellationToken))
        {
            await client.InitializeAsync(cancellationToken);
            for (var i = 0; i < 3; i++)
            {
                var echo = await client.RequestAsync(10 + i, "tools/call", new JsonObject
                {
                    ["name"] = "echo",
                    ["arguments"] = new JsonObject { ["message"] = "counted" },
                }, cancellationToken);
                Assert.That(echo["result"], Is.Not.Null, echo.ToJsonString());
            }

            var unknown = await client.RequestAsync(20, "no/such/method", null, cancellationToken);
            Assert.That(unknown["error"], Is.Not.Null);

            await client.SendAsync(new JsonObject
            {
                ["jsonrpc"] = "2.0",
                ["id"] = 30,
                ["method"] = "tools/call",
                ["params"] = new JsonObject
                {
                    ["name"] = "trigger-long-running-operation",
                    ["arguments"] = new JsonObject { ["duration"] = 1, ["steps"] = 1 },
                },
            }, cancellationToken);
            await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
            var (_, _, during) = await GetAsync(gateway, "/metrics", cancellationToken);
            var slow = await client.ReadResponseAsync(30, cancellationToken);
            Assert.That(slow["result"], Is.Not.Null, slow.ToJsonString());
            Assert.That(Value(during, "mcpgw_requests_pending"), Is.EqualTo(1), during);
            Assert.That(Value(during, "mcpgw_connections_active"), Is.EqualTo(1), during);
        }

        await using (var stranger = await RawMcpClient.ConnectAsync(gateway.Endpoint, cancellationToken))
        {
            await stranger.RequestAsync(1, "ping", null, cancellationToken);
        }

        var (status, contentType, text) = await GetAsync(gateway, "/metrics", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(contentType, Does.StartWith("text/plain; version=0.0.4"));
            Assert.That(Value(text, "mcpgw_connections_accepted_total"), Is.GreaterThanOrEqualTo(2));
            Assert.That(Value(text, "mcpgw_sessions_authenticated_total"), Is.GreaterThanOrEqualTo(1));
            Assert.That(Value(text, "mcpgw_sessions_refused_total{reason=\"unauthenticated\"}"), Is.GreaterThanOrEqualTo(1), text);
            Assert.That(Value(text, "mcpgw_frames_total{direction=\"client_to_upstream\"}"), Is.GreaterThanOrEqualTo(5), text);
            Assert.That(Value(text, "mcpgw_frames_total{direction=\"upstream_to_client\"}"), Is.GreaterThanOrEqualTo(4), text);
            Assert.That(Value(text, "mcpgw_frame_bytes_total{direction=\"upstream_to_client\"}"), Is.GreaterThan(100), text);
            Assert.That(Value(text, "mcpgw_chain_duration_seconds_count{direction=\"client_to_upstream\"}"), Is.GreaterThanOrEqualTo(4), text);
            Assert.That(Value(text, "mcpgw_verdicts_total{inspector=\"gateway\",verdict=\"reject\",reason=\"unknown_method\",rule=\"\"}"), Is.EqualTo(1), text);
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Healthz_WhileRunning_Returns200AndTheMcpListenerSpeaksNoHttp(CancellationToken cancellationToken)
    {
        await using var gateway = await GatewayHarness.StartAsync(WithAdmin(GatewayHarness.Settings(GatewayHarness.Everything())), cancellationToken);

        var (status, _, body) = await GetAsync(gateway, "/healthz", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(body, Is.EqualTo("ok\n"));
            Assert.That(gateway.Application.AdminEndpoint!.Port, Is.Not.EqualTo(gateway.Endpoint.Port));
        });
    }

    [Test]
    [CancelAfter(40000)]
    public async Task Readyz_HttpUpstreamNotListening_NamedUntilItListens(CancellationToken cancellationToken)
    {
        var port = OidcProvider.FreePort();
        var http = new HttpConnectionSettings { Name = "remote-http", Url = new Uri($"http://127.0.0.1:{port}/mcp") };
        await using var gateway = await GatewayHarness.StartAsync(WithAdmin(GatewayHarness.Settings(GatewayHarness.Everything(), http)), cancellationToken);

        var down = await WaitForReadyzAsync(gateway, HttpStatusCode.ServiceUnavailable, cancellationToken);
        using var upstream = new TcpListener(IPAddress.Loopback, port);
        upstream.Start();
        var up = await WaitForReadyzAsync(gateway, HttpStatusCode.OK, cancellationToken);
        upstream.Stop();

        Assert.Multiple(() =>
        {
            Assert.That(down["notReady"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { "upstream:remote-http" }));
            Assert.That(up["notReady"]!.AsArray(), Is.Empty);
        });
    }

    [Test]
    [CancelAfter(40000)]
    public async Task Readyz_TcpUpstreamGoesDownAndComesBack_Flips503Then200(CancellationToken cancellationToken)
    {
        var upstream = new TcpListener(IPAddress.Loopback, 0);
        upstream.Start();
        var port = ((IPEndPoint)upstream.LocalEndpoint).Port;
        try
        {
            var settings = WithAdmin(GatewayHarness.Settings(GatewayHarness.Everything(), GatewayHarness.Tcp("remote", port)));
            await using var gateway = await GatewayHarness.StartAsync(settings, cancellationToken);

            var up = await WaitForReadyzAsync(gateway, HttpStatusCode.OK, cancellationToken);
            upstream.Stop();
            var down = await WaitForReadyzAsync(gateway, HttpStatusCode.ServiceUnavailable, cancellationToken);
            upstream = new TcpListener(IPAddress.Loopback, port);
            upstream.Start();
            var back = await WaitForReadyzAsync(gateway, HttpStatusCode.OK, cancellationToken);

            Assert.Multiple(() =>
            {
                Assert.That(up["status"]?.GetValue<string>(), Is.EqualTo("ready"));
                Assert.That(down["status"]?.GetValue<string>(), Is.EqualTo("not_ready"));
                Assert.That(down["notReady"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { "upstream:remote" }));
                Assert.That(back["notReady"]!.AsArray(), Is.Empty);
            });
        }
        finally
        {
            upstream.Stop();
            upstream.Dispose();
        }
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Readyz_IdentityProviderGoesDownAndComesBack_Flips503Then200(CancellationToken cancellationToken)
    {
        await using var provider = await OidcProvider.StartAsync(cancellationToken);
        var settings = WithAdmin(GatewayHarness.Settings(GatewayHarness.Everything())) with
        {
            AuthMode = AuthMode.Oidc,
            Oidc = provider.Settings() with
            {
                // Keys go stale fast, so that an IdP outage shows within the test; refreshes retry quickly.
                KeyRefreshInterval = TimeSpan.FromMilliseconds(300),
                MaxKeyStaleness = TimeSpan.FromSeconds(1),
            },
        };
        await using var gateway = await GatewayHarness.StartAsync(settings, cancellationToken);

        var up = await WaitForReadyzAsync(gateway, HttpStatusCode.OK, cancellationToken);
        await provider.StopAsync();
        var down = await WaitForReadyzAsync(gateway, HttpStatusCode.ServiceUnavailable, cancellationToken);
        await provider.RestartAsync(cancellationToken);
        var back = await WaitForReadyzAsync(gateway, HttpStatusCode.OK, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(up["status"]?.GetValue<string>(), Is.EqualTo("ready"));
            Assert.That(down["notReady"]!.AsArray().Select(n => n!.GetValue<string>()), Has.Exactly(1).StartsWith("authenticator:oidc"));
            Assert.That(back["status"]?.GetValue<string>(), Is.EqualTo("ready"));
        });
    }

    private static GatewaySettings WithAdmin(GatewaySettings settings) => settings with { AdminEndpoint = new IPEndPoint(IPAddress.Loopback, 0) };

    private static async Task<JsonObject> WaitForReadyzAsync(GatewayHarness gateway, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + FlipWithin;
        while (true)
        {
            var (status, contentType, body) = await GetAsync(gateway, "/readyz", cancellationToken);
            Assert.That(contentType, Does.StartWith("application/json"));
            if (status == expected)
            {
                return JsonNode.Parse(body)!.AsObject();
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"/readyz stayed {(int)status} {body}, expected {(int)expected}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    private static async Task<(HttpStatusCode Status, string ContentType, string Body)> GetAsync(GatewayHarness gateway, string path, CancellationToken cancellationToken)
    {
        var uri = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{gateway.Application.AdminEndpoint}{path}"));
        using var response = await Http.GetAsync(uri, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return (response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? "", body);
    }

    /// <summary>The value of the sample whose name and labels are exactly <paramref name="series"/>; -1 when absent.</summary>
    private static double Value(string text, string series)
    {
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }
}
