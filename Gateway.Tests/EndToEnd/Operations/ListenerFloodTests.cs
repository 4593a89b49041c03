using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.Listener;
using McpGateway.Core.Sessions;
using McpGateway.Tests.EndToEnd.FrontDoor;
using McpGateway.Tests.EndToEnd.Support;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Tests.EndToEnd.Operations;

/// <summary>
/// Connection floods through the real listeners, with limits set low so that a few hundred sockets suffice: idle
/// sockets that never authenticate, HTTP requests whose headers never end, and enough of both to reach the process's
/// descriptor budget. Flood sockets come from 127.0.0.2 and up, the real client from 127.0.0.1.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class ListenerFloodTests
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);

    [Test]
    [CancelAfter(60_000)]
    public async Task TcpListener_IdleSocketsFromOneAddress_AnotherClientAuthenticatesAndCallsATool(CancellationToken cancellationToken)
    {
        var limits = new ConnectionLimits { MaxUnauthenticatedConnections = 64, MaxUnauthenticatedPerAddress = 8 };
        await using var gateway = await GatewayHarness.StartAsync(
            GatewayHarness.Settings(GatewayHarness.Everything()) with { ConnectionLimits = limits, PreAuthTimeout = TimeSpan.FromMinutes(5) },
            cancellationToken);
        var limiter = gateway.Application.Services.GetRequiredService<GatewayRuntime>().Limiter;

        using var flood = new FloodSockets();
        await flood.OpenAsync(FloodSockets.Loopback(2), gateway.Endpoint, 300, null, cancellationToken);
        var settled = await Eventually.TrueAsync(() => flood.Closed() + limiter.Active == flood.Count, Settle, cancellationToken);
        var heldByFlood = limiter.Active;

        await using var client = await gateway.ConnectAsync("everything", cancellationToken);
        await client.InitializeAsync(cancellationToken);
        var echo = await client.RequestAsync(1, "tools/call", Echo("through the flood"), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(settled, Is.True, "every flood socket was either admitted or closed");
            Assert.That(heldByFlood, Is.EqualTo(8), "one address holds at most maxUnauthenticatedPerAddress sockets");
            Assert.That(echo.ToJsonString(), Does.Contain("through the flood"));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task FrontDoor_HalfSentRequestsFromOneAddress_CappedPerAddressAndARealClientGetsThrough(CancellationToken cancellationToken)
    {
        // Headers that never end are not timed out here (five minutes), so only the per-address cap can explain closes.
        await using var rig = await FrontDoorRig.StartAsync(
            s => s with { ConnectionLimits = new ConnectionLimits { MaxConnectionsPerAddress = 16, RequestHeadersTimeout = TimeSpan.FromMinutes(5) } },
            cancellationToken,
            GatewayHarness.Everything());
        var endpoint = rig.Gateway.Application.FrontDoorEndpoint!;

        using var flood = new FloodSockets();
        await flood.OpenAsync(FloodSockets.Loopback(2), endpoint, 300, FloodSockets.HalfSentRequest(endpoint), cancellationToken);
        var capped = await Eventually.TrueAsync(() => flood.Closed() >= flood.Count - 16, Settle, cancellationToken);
        var echo = await CallEchoOverHttpAsync(rig, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(capped, Is.True, $"only 16 of {flood.Count} half-sent requests from one address may stay open; {flood.Closed()} were closed");
            Assert.That(flood.Closed(), Is.EqualTo(flood.Count - 16), "the 16 admitted ones wait for their headers");
            Assert.That(echo, Does.Contain("through the flood"));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task FrontDoor_HalfSentRequestsFromManyAddresses_TimedOutByTheHeadersTimeoutAndARealClientGetsThrough(CancellationToken cancellationToken)
    {
        await using var rig = await FrontDoorRig.StartAsync(
            s => s with { ConnectionLimits = new ConnectionLimits { MaxHttpConnections = 32, MaxConnectionsPerAddress = 8, RequestHeadersTimeout = TimeSpan.FromSeconds(1) } },
            cancellationToken,
            GatewayHarness.Everything());
        var endpoint = rig.Gateway.Application.FrontDoorEndpoint!;

        // Four addresses fill the listener's 32 connections with requests that never finish their headers.
        using var flood = new FloodSockets();
        for (var host = 2; host <= 5; host++)
        {
            await flood.OpenAsync(FloodSockets.Loopback(host), endpoint, 8, FloodSockets.HalfSentRequest(endpoint), cancellationToken);
        }

        // Kestrel checks the timeout once a second: well within ten seconds every one of them is cut off.
        var timedOut = await Eventually.TrueAsync(() => flood.Closed() == flood.Count, TimeSpan.FromSeconds(10), cancellationToken);
        var echo = await CallEchoOverHttpAsync(rig, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(timedOut, Is.True, $"{flood.Closed()} of {flood.Count} half-sent requests were closed");
            Assert.That(echo, Does.Contain("through the flood"));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task FrontDoor_BodyTrickledBelowTheMinimumRate_ConnectionCutOff(CancellationToken cancellationToken)
    {
        // 500 bytes a second: above Kestrel's own minimum (240), below the configured 1000.
        await using var rig = await FrontDoorRig.StartAsync(
            s => s with { ConnectionLimits = new ConnectionLimits { MinRequestBodyBytesPerSecond = 1000 } },
            cancellationToken,
            GatewayHarness.Everything());
        var endpoint = rig.Gateway.Application.FrontDoorEndpoint!;
        var token = await rig.TokenAsync(cancellationToken);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint, cancellationToken);
        var head = $"POST /mcp/everything HTTP/1.1\r\nHost: {endpoint}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            + "Accept: application/json, text/event-stream\r\nContent-Length: 1000000\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(head), SocketFlags.None, cancellationToken);

        var started = DateTime.UtcNow;
        var cutOff = false;
        var chunk = new byte[50];
        Array.Fill(chunk, (byte)' ');
        while (!cutOff && DateTime.UtcNow - started < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            try
            {
                await socket.SendAsync(chunk, SocketFlags.None, cancellationToken);
                cutOff = socket.Poll(0, SelectMode.SelectRead);
            }
            catch (SocketException)
            {
                cutOff = true;
            }
        }

        Assert.That(cutOff, Is.True, "a body trickling in below minRequestBodyBytesPerSecond is cut off after the 5 s grace period");
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task AdminListener_IdleSocketsFromOneAddress_CappedAndHealthzStillAnswers(CancellationToken cancellationToken)
    {
        await using var gateway = await GatewayHarness.StartAsync(
            GatewayHarness.Settings(GatewayHarness.Everything()) with
            {
                AdminEndpoint = new IPEndPoint(IPAddress.Loopback, 0),
                ConnectionLimits = new ConnectionLimits { MaxAdminConnections = 8, MaxConnectionsPerAddress = 4, RequestHeadersTimeout = TimeSpan.FromMinutes(5), KeepAliveTimeout = TimeSpan.FromMinutes(5) },
            },
            cancellationToken);
        var admin = gateway.Application.AdminEndpoint!;

        using var flood = new FloodSockets();
        await flood.OpenAsync(FloodSockets.Loopback(2), admin, 100, null, cancellationToken);
        var capped = await Eventually.TrueAsync(() => flood.Closed() >= flood.Count - 4, Settle, cancellationToken);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var health = await http.GetAsync(new Uri($"http://{admin}/healthz"), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(capped, Is.True, $"{flood.Closed()} of {flood.Count} idle admin connections were closed");
            Assert.That(flood.Closed(), Is.EqualTo(flood.Count - 4));
            Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task TcpListener_DescriptorBudgetSpent_NewConnectionClosedAtOnceAndAdmittedWhenOneLeaves(CancellationToken cancellationToken)
    {
        // A reserve that leaves twelve descriptors: three TCP sessions (socket and upstream pipes) spend them.
        var limit = DescriptorLimit.Read();
        Assume.That(limit, Is.Not.Null, "the descriptor limit is read from /proc/self/limits (Linux)");
        await using var gateway = await GatewayHarness.StartAsync(
            GatewayHarness.Settings(GatewayHarness.Everything()) with { ConnectionLimits = new ConnectionLimits { FileDescriptorReserve = limit!.Value - 12 } },
            cancellationToken);
        var services = gateway.Application.Services;
        var exporter = services.GetRequiredService<PrometheusExporter>();
        var limiter = services.GetRequiredService<GatewayRuntime>().Limiter;
        var first = await gateway.ConnectAsync("everything", cancellationToken);
        await using var second = await gateway.ConnectAsync("everything", cancellationToken);
        await using var third = await gateway.ConnectAsync("everything", cancellationToken);

        using var beyond = new FloodSockets();
        await beyond.OpenAsync(IPAddress.Loopback, gateway.Endpoint, 1, null, cancellationToken);
        var beyondClosed = await Eventually.TrueAsync(() => beyond.Closed() == 1, Settle, cancellationToken);
        var refused = Eventually.Metric(exporter, "mcpgw_sessions_refused_total{reason=\"out_of_descriptors\"}");
        await first.DisposeAsync();
        await Eventually.TrueAsync(() => limiter.Active == 2, Settle, cancellationToken);
        await using var next = await gateway.ConnectAsync("everything", cancellationToken);
        await next.InitializeAsync(cancellationToken);
        var echo = await next.RequestAsync(1, "tools/call", Echo("after one left"), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(beyondClosed, Is.True, "the fourth connection is closed at once");
            Assert.That(refused, Is.EqualTo(1));
            Assert.That(echo.ToJsonString(), Does.Contain("after one left"));
        });
    }

    private static JsonObject Echo(string message) =>
        new() { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = message } };

    /// <summary>A Streamable HTTP client from 127.0.0.1: initialize, initialized, then echo; returns the call's answer as text.</summary>
    private static async Task<string> CallEchoOverHttpAsync(FrontDoorRig rig, CancellationToken cancellationToken)
    {
        var url = rig.Url("everything");
        var token = await rig.TokenAsync(cancellationToken);
        using var initialized = await rig.Http.SendAsync(FrontDoorRig.Post(url, FrontDoorRig.Initialize(), token), cancellationToken);
        Assert.That(initialized.StatusCode, Is.EqualTo(HttpStatusCode.OK), await initialized.Content.ReadAsStringAsync(cancellationToken));
        var session = initialized.Headers.GetValues("Mcp-Session-Id").Single();
        using var notified = await rig.Http.SendAsync(FrontDoorRig.Post(url, """{"jsonrpc":"2.0","method":"notifications/initialized"}""", token, session), cancellationToken);
        var call = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = 2, ["method"] = "tools/call", ["params"] = Echo("through the flood") };
        using var answered = await rig.Http.SendAsync(FrontDoorRig.Post(url, call.ToJsonString(), token, session), cancellationToken);
        return await answered.Content.ReadAsStringAsync(cancellationToken);
    }
}
