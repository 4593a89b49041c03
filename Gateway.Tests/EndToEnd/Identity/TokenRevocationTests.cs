using System.Collections.Frozen;
using System.Net;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.FrontDoor;
using McpGateway.Tests.EndToEnd.Hostile;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static McpGateway.Tests.EndToEnd.Hostile.HostileWire;

namespace McpGateway.Tests.EndToEnd.Identity;

/// <summary>
/// <c>auth.introspection</c> against a real OpenID provider: a token revoked at the issuer (RFC 7009) is refused at its
/// next authentication, and a session running on it is ended at its first request once the cached answer is older than
/// the TTL, on the TCP listener and on the HTTP front door. The gateway's clock is manual, so "within the TTL" is exact.
/// </summary>
[TestFixture]
internal sealed class TokenRevocationTests
{
    private const string Spy = "spy";
    private static readonly TimeSpan _ttl = TimeSpan.FromSeconds(30);

    private readonly ManualTimeProvider _clock = new();
    private OidcProvider _provider = null!;
    private SpyUpstream _spy = null!;
    private GatewayHarness _gateway = null!;
    private string _secretFile = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _provider = await OidcProvider.StartAsync(timeout.Token, new OidcProviderOptions { IssuerPath = "/oauth2/default", OktaStyle = true });
        _spy = SpyUpstream.Start(SpyBehavior.Echo);
        _secretFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(_secretFile, OidcProvider.GatewayClientSecret + "\n", timeout.Token);
        var settings = GatewayHarness.Settings(GatewayHarness.Tcp(Spy, _spy.Port)) with
        {
            AuthMode = AuthMode.Oidc,
            Oidc = _provider.Settings() with
            {
                Introspection = new IntrospectionSettings
                {
                    Endpoint = _provider.IntrospectionEndpoint,
                    ClientId = OidcProvider.GatewayClient,
                    ClientSecret = new EnvironmentValue(EnvironmentValueSource.File, _secretFile),
                    CacheTtl = _ttl,
                },
            },
            FrontDoor = new FrontDoorSettings
            {
                Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
                AllowedOrigins = FrozenSet<string>.Empty,
                Scopes = ["mcp:tools"],
            },
        };
        _gateway = await GatewayHarness.StartAsync(settings, timeout.Token, services => services.AddSingleton<TimeProvider>(_clock));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        // The drain waits on the gateway's clock: the manual one has to move while the gateway stops.
        using var stopped = new CancellationTokenSource();
        var ticking = Task.Run(async () =>
        {
            while (!stopped.IsCancellationRequested)
            {
                _clock.Advance(TimeSpan.FromMilliseconds(100));
                await Task.Delay(10, CancellationToken.None);
            }
        }, CancellationToken.None);
        await _gateway.DisposeAsync();
        await stopped.CancelAsync();
        await ticking;
        await _spy.DisposeAsync();
        await _provider.DisposeAsync();
        File.Delete(_secretFile);
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Session_TokenRevokedAtTheIssuer_NextRequestAfterTheTtlRefusedAndSessionClosed(CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken);
        var upstreamIndex = _spy.Connections.Count;
        await using var client = await RawMcpClient.ConnectAsync(_gateway.Endpoint, cancellationToken);
        var auth = await client.AuthenticateAsync(Spy, cancellationToken, token);
        var upstream = await _spy.WaitForConnectionAsync(upstreamIndex, cancellationToken);
        var before = await client.RequestAsync("ping-1", "ping", null, cancellationToken);

        await _provider.RevokeAsync(token, OidcProvider.Alice, cancellationToken);
        var withinTtl = await client.RequestAsync("ping-2", "ping", null, cancellationToken);
        _clock.Advance(_ttl + TimeSpan.FromSeconds(1));
        await client.SendAsync("""{"jsonrpc":"2.0","id":"ping-3","method":"ping"}""", cancellationToken);
        var refusal = await client.ReadLineAsync(cancellationToken);
        var closed = await client.IsClosedByGatewayAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(auth["result"], Is.Not.Null, auth.ToJsonString());
            Assert.That((string?)before["result"]?["echo"], Is.EqualTo("ping"), before.ToJsonString());
            Assert.That((string?)withinTtl["result"]?["echo"], Is.EqualTo("ping"), "the issuer's answer holds for one TTL");
        });
        AssertGatewayError(refusal!, -31001, "token_revoked", "ping-3");
        Assert.That(closed, Is.True, "a session whose token was revoked ends");
        Assert.That(upstream.Lines.Select(l => l.RawId), Has.None.EqualTo("\"ping-3\""), upstream.Describe());
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Authenticate_RevokedToken_Refused31001TokenRevokedAndNoUpstream(CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken);
        await _provider.RevokeAsync(token, OidcProvider.Alice, cancellationToken);
        var upstreams = _spy.Connections.Count;
        await using var client = await RawMcpClient.ConnectAsync(_gateway.Endpoint, cancellationToken);

        await client.SendAsync(AuthenticateFrame.Of("auth-1", token, Spy) + "\n" + """{"jsonrpc":"2.0","id":"sneaky","method":"ping"}""", cancellationToken);
        var refusal = await client.ReadLineAsync(cancellationToken);
        var closed = await client.IsClosedByGatewayAsync(cancellationToken);

        AssertGatewayError(refusal!, -31001, "token_revoked", "auth-1");
        Assert.That(closed, Is.True);
        Assert.That(_spy.Connections, Has.Count.EqualTo(upstreams), "no upstream was opened");
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Authenticate_ActiveTokenTwiceWithinTheTtl_IntrospectedOnce(CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken);
        await _provider.SyncRequestLogAsync(cancellationToken);
        var introspectionsBefore = _provider.Introspections;

        await using (var first = await RawMcpClient.ConnectAsync(_gateway.Endpoint, cancellationToken))
        {
            var auth = await first.AuthenticateAsync(Spy, cancellationToken, token);
            Assert.That(auth["result"], Is.Not.Null, auth.ToJsonString());
        }

        await using var second = await RawMcpClient.ConnectAsync(_gateway.Endpoint, cancellationToken);
        var again = await second.AuthenticateAsync(Spy, cancellationToken, token);
        await _provider.SyncRequestLogAsync(cancellationToken);

        Assert.That(again["result"], Is.Not.Null, again.ToJsonString());
        Assert.That(_provider.Introspections - introspectionsBefore, Is.EqualTo(1), "the second authentication used the cached answer");
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Stateless_TokenRevokedAtTheIssuer_RefusedAfterTheTtlAndNothingMoreRelayed(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        var token = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken);
        var url = new Uri($"http://127.0.0.1:{_gateway.Application.FrontDoorEndpoint!.Port}/mcp/{Spy}");
        var relayedBefore = RelayedToolsLists();

        using var first = await http.SendAsync(Stateless(url, token, "list-1"), cancellationToken);
        await _provider.RevokeAsync(token, OidcProvider.Alice, cancellationToken);
        _clock.Advance(_ttl + TimeSpan.FromSeconds(1));
        using var refused = await http.SendAsync(Stateless(url, token, "list-2"), cancellationToken);
        var refusal = JsonNode.Parse(await refused.Content.ReadAsStringAsync(cancellationToken))!;
        using var later = await http.SendAsync(Stateless(url, token, "list-3"), cancellationToken);
        var laterBody = JsonNode.Parse(await later.Content.ReadAsStringAsync(cancellationToken))!;

        Assert.Multiple(() =>
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((int?)refusal["error"]?["code"], Is.EqualTo(-31001), refusal.ToJsonString());
            Assert.That((string?)refusal["error"]?["data"]?["reason"], Is.EqualTo("token_revoked"));
            Assert.That(later.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), laterBody.ToJsonString());
            Assert.That((string?)laterBody["error"]?["data"]?["reason"], Is.EqualTo("token_revoked"));
            Assert.That(RelayedToolsLists() - relayedBefore, Is.EqualTo(1), "only the request made before the revocation reached the upstream");
        });
    }

    private int RelayedToolsLists() => _spy.Connections.Sum(c => c.Lines.Count(l => l.Method == "tools/list"));

    private static HttpRequestMessage Stateless(Uri url, string token, string id)
    {
        var request = FrontDoorRig.Post(url, "{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"method\":\"tools/list\"}", token);
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", "tools/list");
        return request;
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Post_TokenRevokedAtTheIssuer_NextRequestAfterTheTtlRefusedAndSessionGone(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        var token = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken);
        var url = new Uri($"http://127.0.0.1:{_gateway.Application.FrontDoorEndpoint!.Port}/mcp/{Spy}");
        using var initialized = await http.SendAsync(FrontDoorRig.Post(url, FrontDoorRig.Initialize(), token), cancellationToken);
        var sessionId = initialized.Headers.GetValues("Mcp-Session-Id").Single();

        await _provider.RevokeAsync(token, OidcProvider.Alice, cancellationToken);
        _clock.Advance(_ttl + TimeSpan.FromSeconds(1));
        using var refused = await http.SendAsync(FrontDoorRig.Post(url, """{"jsonrpc":"2.0","id":"ping-1","method":"ping"}""", token, sessionId), cancellationToken);
        var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync(cancellationToken))!;
        using var after = await http.SendAsync(FrontDoorRig.Post(url, """{"jsonrpc":"2.0","id":"ping-2","method":"ping"}""", token, sessionId), cancellationToken);
        using var fresh = await http.SendAsync(FrontDoorRig.Post(url, FrontDoorRig.Initialize(), token), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(initialized.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((int?)body["error"]?["code"], Is.EqualTo(-31001), body.ToJsonString());
            Assert.That((string?)body["error"]?["data"]?["reason"], Is.EqualTo("token_revoked"));
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the refusal is the JSON-RPC answer of the request");
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the session is gone");
            Assert.That(fresh.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a new session with the revoked token is refused");
            Assert.That(fresh.Headers.WwwAuthenticate.Single().Parameter, Does.Contain("error=\"invalid_token\""));
        });
    }
}
