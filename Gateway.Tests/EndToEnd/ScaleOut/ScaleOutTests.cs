using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using McpGateway.Core.Recording;
using McpGateway.Host.Commands;
using McpGateway.Inspectors;
using McpGateway.Inspectors.Recording;
using McpGateway.Tests.EndToEnd.Hostile;
using McpGateway.Tests.EndToEnd.Protocol;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace McpGateway.Tests.EndToEnd.ScaleOut;

/// <summary>
/// The scale-out proof, reduced (docs/scale-out.md runs it at full size): three <c>mcpgw serve</c> processes behind
/// HAProxy (TCP) sharing one PostgreSQL for approvals and audit, each writing its own log, with OIDC from the real
/// oidc-provider. Load goes through HAProxy; one instance is killed with SIGKILL under load; its clients reconnect through
/// HAProxy and go on; a call held on the killed instance is never run, also when approved afterwards; a call held on
/// another instance is approved through a third one's admin API and runs; every log verifies and no call the upstream
/// executed, nor any answer a client received, lacks its record.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class ScaleOutTests
{
    private const int Instances = 3;
    private const int Clients = 6;
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private string _directory = null!;

    [SetUp]
    public async Task CreateDirectory()
    {
        _directory = Directory.CreateTempSubdirectory("mcpgw-scaleout-").FullName;
        using var output = new StringWriter();
        Assert.That(await AuditCommand.RunAsync(["keygen", "--out", Path.Combine(_directory, "key.pem")], output, output), Is.Zero, output.ToString());
    }

    [TearDown]
    public void DeleteDirectory()
    {
        NpgsqlConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    [CancelAfter(180_000)]
    public async Task ThreeInstancesBehindHaproxy_OneKilledUnderLoad_ClientsGoOnHeldCallsSettleEveryLogVerifies(CancellationToken cancellationToken)
    {
        var haproxy = new[] { "/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy" }.FirstOrDefault(File.Exists);
        if (!ThrowawayPostgres.IsAvailable || haproxy is null)
        {
            Assert.Ignore("PostgreSQL server binaries or HAProxy are not installed; the scale-out proof is not run here");
        }

        await using var postgres = await ThrowawayPostgres.StartAsync(cancellationToken);
        await using var provider = await OidcProvider.StartAsync(cancellationToken);
        await using var upstream = SpyUpstream.Start(SpyBehavior.Echo);
        var connectionString = postgres.ConnectionString;
        var instances = new Instance[Instances];
        for (var i = 0; i < Instances; i++)
        {
            instances[i] = await WriteConfigAsync(i + 1, connectionString, provider.Issuer, upstream.Port, cancellationToken);
        }

        var gateways = new ChildProcess?[Instances];
        try
        {
            for (var i = 0; i < Instances; i++)
            {
                gateways[i] = await StartAsync(instances[i], cancellationToken);
            }

            var front = OidcProvider.FreePort();
            await using var proxy = StartHaproxy(haproxy, front, instances);
            var frontDoor = new IPEndPoint(IPAddress.Loopback, front);
            var token = await provider.GetTokenAsync(OidcProvider.Alice, cancellationToken);
            await WaitAcceptsAsync(frontDoor, token, cancellationToken);

            // A call held on the instance that will be killed, and one on the instance that will decide nothing itself.
            var (doomed, doomedSession) = await ConnectAsync(instances[0].Endpoint, token, cancellationToken);
            await using var _ = doomed;
            var (survivor, survivorSession) = await ConnectAsync(instances[1].Endpoint, token, cancellationToken);
            await using var __ = survivor;
            await SendDeployAsync(doomed, "held-on-killed", cancellationToken);
            await SendDeployAsync(survivor, "held-on-survivor", cancellationToken);
            var admin = await provider.GetTokenAsync(OidcProvider.Admin, cancellationToken);
            var doomedApproval = await WaitForPendingAsync(instances[2], admin, doomedSession, cancellationToken);
            var survivorApproval = await WaitForPendingAsync(instances[2], admin, survivorSession, cancellationToken);

            // Load through HAProxy; each client reconnects through it when its instance goes away.
            var answered = new ConcurrentBag<string>();
            var answeredAfterKill = new ConcurrentDictionary<int, int>();
            var killed = 0;
            using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var load = Enumerable.Range(0, Clients).Select(c => DriveAsync(frontDoor, token, c, answered, () => Volatile.Read(ref killed) == 1, answeredAfterKill, stopLoad.Token)).ToList();
            var warm = Clients * 5;
            while (answered.Count < warm)
            {
                Assert.That(load.Where(l => l.IsFaulted).Select(l => l.Exception!.ToString()), Is.Empty, "the load failed before the kill");
                await Task.Delay(20, cancellationToken);
            }

            await KillNineAsync(gateways[0]!, cancellationToken);
            Volatile.Write(ref killed, 1);
            var doomedEnd = await doomed.IsClosedByGatewayAsync(cancellationToken);

            // Every client answered again after the kill: those of the killed instance through another one.
            while (answeredAfterKill.Count < Clients)
            {
                Assert.That(load.Where(l => l.IsFaulted).Select(l => l.Exception!.ToString()), Is.Empty, "a client did not recover from the kill");
                await Task.Delay(20, cancellationToken);
            }

            var approveDoomed = await VoteAsync(instances[2], admin, doomedApproval, cancellationToken);
            var approveSurvivor = await VoteAsync(instances[2], admin, survivorApproval, cancellationToken);
            var survivorAnswer = await survivor.ReadResponseAsync("held-on-survivor", cancellationToken);
            await stopLoad.CancelAsync();
            var (reconnects, failures) = (await Task.WhenAll(load)).Aggregate((0, 0), (sum, c) => (sum.Item1 + c.Reconnects, sum.Item2 + c.Failures));

            // The killed instance comes back under its log id (as a supervisor restarts it) and every instance stops
            // cleanly, each signing its log's final checkpoint.
            gateways[0] = await StartAsync(instances[0], cancellationToken);
            for (var i = 0; i < Instances; i++)
            {
                await TerminateAsync(gateways[i]!, cancellationToken);
            }

            using var output = new StringWriter();
            var verify = await AuditCommand.RunAsync(["verify", "--config", instances[2].ConfigPath], output, output, cancellationToken);
            var records = await ReadFramesAsync(connectionString, cancellationToken);
            var executed = upstream.Connections.SelectMany(c => c.Lines).Where(l => l.IsRequest && l.Method == "tools/call").Select(l => l.RawId!).ToList();
            await TestContext.Out.WriteLineAsync($"answered {answered.Count} calls, {reconnects} reconnections, {failures} calls cut by the kill; approving the killed instance's call: {approveDoomed}");
            Assert.Multiple(() =>
            {
                Assert.That(doomedEnd, Is.True, "the killed instance's client saw its connection end");
                Assert.That(reconnects, Is.GreaterThan(0), "some client was on the killed instance and reconnected through HAProxy");
                Assert.That(executed, Does.Not.Contain("\"held-on-killed\""), "a call held on the killed instance was run");
                Assert.That(approveSurvivor, Is.EqualTo(HttpStatusCode.OK));
                Assert.That(survivorAnswer["result"], Is.Not.Null, survivorAnswer.ToJsonString());
                Assert.That(executed, Does.Contain("\"held-on-survivor\""));
                Assert.That(verify, Is.Zero, output.ToString());
                Assert.That(output.ToString().Split('\n').Count(l => l.StartsWith("audit store postgres log gw-", StringComparison.Ordinal) && l.EndsWith(": intact", StringComparison.Ordinal)), Is.EqualTo(Instances), output.ToString());
                Assert.That(executed.Where(id => !records.Contains(("client_to_upstream", id))), Is.Empty, "executed by the upstream without a record");
                Assert.That(answered.Where(id => !records.Contains(("upstream_to_client", id))), Is.Empty, "delivered to a client without a record");
            });
        }
        finally
        {
            foreach (var gateway in gateways)
            {
                if (gateway is not null)
                {
                    await gateway.DisposeAsync();
                }
            }
        }
    }

    private sealed record Instance(int Number, string ConfigPath, IPEndPoint Endpoint, string AdminUrl);

    private async Task<Instance> WriteConfigAsync(int number, string connectionString, string issuer, int upstreamPort, CancellationToken cancellationToken)
    {
        var port = OidcProvider.FreePort();
        var adminPort = OidcProvider.FreePort();
        var path = Path.Combine(_directory, $"gw-{number}.json");
        await File.WriteAllTextAsync(path, new JsonObject
        {
            ["listen"] = $"127.0.0.1:{port}",
            ["allowPlaintext"] = true,
            ["auth"] = new JsonObject { ["mode"] = "oidc", ["issuer"] = issuer, ["audience"] = OidcProvider.Audience, ["requireHttpsMetadata"] = false },
            ["admin"] = new JsonObject { ["listen"] = $"127.0.0.1:{adminPort}" },
            ["shutdownTimeout"] = "00:00:05",
            ["connections"] = new JsonObject { ["spy"] = new JsonObject { ["transport"] = "tcp", ["host"] = "127.0.0.1", ["port"] = upstreamPort } },
            ["policy"] = new JsonObject
            {
                ["default"] = "allow",
                ["rules"] = new JsonArray(new JsonObject
                {
                    ["id"] = "deploys", ["action"] = "approve", ["approverGroups"] = new JsonArray("mcp-admins"),
                    ["match"] = new JsonObject { ["tools"] = new JsonArray("deploy") },
                }),
            },
            ["approvals"] = new JsonObject { ["store"] = "postgres", ["connectionString"] = connectionString },
            ["audit"] = new JsonObject
            {
                ["store"] = "postgres", ["connectionString"] = connectionString, ["logId"] = $"gw-{number}",
                ["signingKeyFile"] = "key.pem", ["checkpointInterval"] = "00:00:01",
            },
        }.ToJsonString(), cancellationToken);
        return new Instance(number, path, new IPEndPoint(IPAddress.Loopback, port), $"http://127.0.0.1:{adminPort}");
    }

    private static async Task<ChildProcess> StartAsync(Instance instance, CancellationToken cancellationToken)
    {
        var gateway = ChildProcess.Start("dotnet", [BuildOutputs.GatewayHostDll, "serve", "--config", instance.ConfigPath]);
        await gateway.WaitForLineAsync(line => line.Contains("Gateway listening on", StringComparison.Ordinal), TimeSpan.FromSeconds(60), cancellationToken);
        return gateway;
    }

    /// <summary>HAProxy in TCP mode over the instances: round robin, health checks every 100 ms, a refused connect tried on another instance.</summary>
    private static ChildProcess StartHaproxy(string haproxy, int port, IEnumerable<Instance> instances)
    {
        var config = Path.Combine(Path.GetDirectoryName(instances.First().ConfigPath)!, "haproxy.cfg");
        File.WriteAllLines(config,
        [
            "defaults",
            "  mode tcp",
            "  timeout connect 2s",
            "  timeout client 1h",
            "  timeout server 1h",
            "  retries 3",
            "  option redispatch",
            "listen mcp",
            $"  bind 127.0.0.1:{port}",
            "  balance roundrobin",
            .. instances.Select(i => $"  server gw-{i.Number} {i.Endpoint} check inter 100ms fall 1 rise 2"),
        ]);
        return ChildProcess.Start(haproxy, ["-f", config, "-db"]);
    }

    private static async Task WaitAcceptsAsync(IPEndPoint frontDoor, string token, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                var (client, _) = await ConnectAsync(frontDoor, token, cancellationToken);
                await client.DisposeAsync();
                return;
            }
            catch (Exception ex) when (ex is IOException or SocketException or EndOfStreamException or InvalidOperationException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }

    private static async Task<(RawMcpClient Client, string SessionId)> ConnectAsync(IPEndPoint endpoint, string token, CancellationToken cancellationToken)
    {
        var client = await RawMcpClient.ConnectAsync(endpoint, cancellationToken);
        try
        {
            var authenticated = await client.AuthenticateAsync("spy", cancellationToken, token);
            var sessionId = (string?)authenticated["result"]?["sessionId"] ?? throw new InvalidOperationException(authenticated.ToJsonString());
            await client.InitializeAsync(cancellationToken);
            return (client, sessionId);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    private static Task SendDeployAsync(RawMcpClient client, string id, CancellationToken cancellationToken) =>
        client.SendAsync(new JsonObject
        {
            ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = "tools/call",
            ["params"] = new JsonObject { ["name"] = "deploy", ["arguments"] = new JsonObject { ["target"] = id } },
        }, cancellationToken);

    /// <summary>Calls as fast as answered; when its connection ends (its instance was killed), connects again through HAProxy.</summary>
    private static async Task<(int Reconnects, int Failures)> DriveAsync(IPEndPoint frontDoor, string token, int number, ConcurrentBag<string> answered, Func<bool> killed, ConcurrentDictionary<int, int> answeredAfterKill, CancellationToken cancellationToken)
    {
        var (reconnects, failures, n) = (0, 0, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var (client, _) = await ConnectAsync(frontDoor, token, cancellationToken);
                await using (client)
                {
                    while (true)
                    {
                        var id = $"c{number}-{n++}";
                        var response = await client.RequestAsync(id, "tools/call", new JsonObject { ["name"] = "work", ["arguments"] = new JsonObject { ["n"] = n } }, cancellationToken);
                        if (response["result"] is not null)
                        {
                            answered.Add($"\"{id}\"");
                            if (killed())
                            {
                                answeredAfterKill.TryAdd(number, n);
                            }
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is IOException or SocketException or EndOfStreamException or InvalidOperationException)
            {
                // The instance went away mid-call (or refused us while HAProxy had not yet seen it go): connect again.
                failures++;
                reconnects++;
            }
        }

        return (reconnects, failures);
    }

    private static async Task<string> WaitForPendingAsync(Instance instance, string token, string sessionId, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, instance.AdminUrl + "/approvals?state=pending");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await Http.SendAsync(request, cancellationToken);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var items = body as JsonArray ?? body?["items"] as JsonArray ?? body?["approvals"] as JsonArray ?? [];
            if (items.FirstOrDefault(a => (string?)a?["sessionId"] == sessionId) is { } match)
            {
                return (string)match["id"]!;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private static async Task<HttpStatusCode> VoteAsync(Instance instance, string token, string id, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{instance.AdminUrl}/approvals/{id}/approve")
        {
            Content = new StringContent("""{ "reason": "decided through another instance" }""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Http.SendAsync(request, cancellationToken);
        return response.StatusCode;
    }

    /// <summary>The (direction, JSON id) of every frame record in every log of the store.</summary>
    private static async Task<HashSet<(string?, string?)>> ReadFramesAsync(string connectionString, CancellationToken cancellationToken)
    {
        var frames = new HashSet<(string?, string?)>();
        foreach (var log in await PostgresAuditLogs.ListAsync(connectionString, cancellationToken))
        {
            await using var store = new PostgresAuditStore(connectionString, 16, TimeSpan.FromSeconds(2), TimeProvider.System, NullLogger.Instance, logId: log);
            await foreach (var stored in store.ReadAsync(1, cancellationToken))
            {
                if (stored.Record.Kind == AuditEventKind.Frame)
                {
                    frames.Add((stored.Record.Direction, stored.Record.RpcId));
                }
            }
        }

        return frames;
    }

    private static async Task KillNineAsync(ChildProcess gateway, CancellationToken cancellationToken)
    {
        await SignalAsync(gateway, "-KILL", cancellationToken);
        await gateway.WaitForExitAsync(cancellationToken);
    }

    /// <summary>SIGTERM: the instance drains and signs its log's final checkpoint.</summary>
    private static async Task TerminateAsync(ChildProcess gateway, CancellationToken cancellationToken)
    {
        await SignalAsync(gateway, "-TERM", cancellationToken);
        await gateway.WaitForExitAsync(cancellationToken);
    }

    private static async Task SignalAsync(ChildProcess gateway, string signal, CancellationToken cancellationToken)
    {
        using var kill = Process.Start(new ProcessStartInfo("/bin/kill", [signal, gateway.Id.ToString(CultureInfo.InvariantCulture)]))!;
        await kill.WaitForExitAsync(cancellationToken);
        Assert.That(kill.ExitCode, Is.Zero, $"kill {signal}");
    }
}
