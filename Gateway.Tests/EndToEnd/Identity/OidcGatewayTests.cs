using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Core.Identity;
using McpGateway.Tests.Authentication;
using McpGateway.Tests.EndToEnd.Hostile;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static McpGateway.Tests.EndToEnd.Hostile.HostileWire;

namespace McpGateway.Tests.EndToEnd.Identity;

/// <summary>
/// The gateway with <c>auth.mode: oidc</c> against a real OpenID provider shaped like an Okta custom authorization
/// server (issuer <c>/oauth2/default</c>, no <c>typ</c>, <c>cid</c>, <c>groups</c>): real sessions, the groups-to-connection
/// mapping, expiry mid-session, renewal and subject change. Observing upstreams prove that no frame of an
/// unauthenticated, refused or expired connection reaches them.
/// </summary>
[TestFixture]
internal sealed class OidcGatewayTests
{
    private const string Everything = "everything";
    private const string Spy = "spy";
    private const string AdminOnly = "admin-only";

    private OidcProvider _provider = null!;
    private SpyUpstream _spy = null!;
    private SpyUpstream _adminSpy = null!;
    private GatewayHarness _gateway = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _provider = await OidcProvider.StartAsync(timeout.Token, new OidcProviderOptions { IssuerPath = "/oauth2/default", OktaStyle = true });
        _spy = SpyUpstream.Start(SpyBehavior.Hang("tools/list", "ping"));
        _adminSpy = SpyUpstream.Start(SpyBehavior.Echo);
        var adminOnly = GatewayHarness.Tcp(AdminOnly, _adminSpy.Port) with
        {
            Access = new ConnectionAccess
            {
                AllowedGroups = new[] { "mcp-admins" }.ToFrozenSet(StringComparer.Ordinal),
                AllowedSubjects = new[] { OidcProvider.NoGroups }.ToFrozenSet(StringComparer.Ordinal),
            },
        };
        var settings = GatewayHarness.Settings(GatewayHarness.Everything(Everything), GatewayHarness.Tcp(Spy, _spy.Port), adminOnly) with
        {
            AuthMode = AuthMode.Oidc,
            Oidc = _provider.Settings(),
        };
        _gateway = await GatewayHarness.StartAsync(settings, timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        await _adminSpy.DisposeAsync();
        await _spy.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Session_OktaStyleToken_ToolsCallOnServerEverything(CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken);
        await using var client = await RawMcpClient.ConnectAsync(_gateway.Endpoint, cancellationToken);

        var auth = await client.AuthenticateAsync(Everything, cancellationToken, token);
        await client.InitializeAsync(cancellationToken);
        var call = await client.RequestAsync("call-1", "tools/call", new JsonObject
        {
            ["name"] = "echo",
            ["arguments"] = new JsonObject { ["message"] = "through oidc" },
        }, cancellationToken);

        var result = auth["result"];
        Assert.Multiple(() =>
        {
            Assert.That(JwtHeaderHasNoTyp(token), Is.True, "an Okta-style access token has no typ");
            Assert.That((string?)result?["subject"], Is.EqualTo("agent-alice"), auth.ToJsonString());
            Assert.That(result?["groups"]?.AsArray().Select(g => (string?)g), Is.EqualTo(new[] { "mcp-users", "engineering" }));
            Assert.That((string?)result?["connection"], Is.EqualTo(Everything));
            Assert.That(DateTimeOffset.Parse((string)result!["expiresAt"]!, CultureInfo.InvariantCulture), Is.GreaterThan(DateTimeOffset.UtcNow));
            Assert.That((string?)call["result"]?["content"]?[0]?["text"], Is.EqualTo("Echo: through oidc"), call.ToJsonString());
        });
    }

    [TestCase("garbage", "malformed_token")]
    [TestCase("other-audience", "wrong_audience")]
    [TestCase("alg-none", "algorithm_not_allowed")]
    [CancelAfter(10000)]
    public async Task Authenticate_BadToken_RefusedClosedAndNothingReachesTheUpstream(string kind, string reason, CancellationToken cancellationToken)
    {
        var token = kind switch
        {
            "garbage" => "garbage",
            "other-audience" => await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken, resource: OidcProvider.OtherAudience),
            _ => TokenForge.Unsigned(new JsonObject { ["alg"] = "none" }, TokenForge.Claims(_provider.Issuer, OidcProvider.Audience, DateTimeOffset.UtcNow)),
        };
        var upstreamsBefore = _spy.Connections.Count;
        await using var client = await RawMcpClient.ConnectAsync(_gateway.Endpoint, cancellationToken);

        // The call is pipelined right behind the authenticate: it must not run either.
        await client.SendAsync(Authenticate("auth-1", token, Spy) + "\n" + """{"jsonrpc":"2.0","id":"sneaky","method":"tools/list"}""", cancellationToken);
        var refusal = await client.ReadLineAsync(cancellationToken);
        var closed = await client.IsClosedByGatewayAsync(cancellationToken);

        AssertGatewayError(refusal!, -31001, reason, "auth-1");
        Assert.That(refusal, Does.Not.Contain(token[..Math.Min(token.Length, 40)]), "the error never echoes the token");
        Assert.That(closed, Is.True);
        Assert.That(_spy.Connections, Has.Count.EqualTo(upstreamsBefore), "no upstream was opened");
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Authenticate_AdminGroupOnAdminOnlyConnection_Allowed(CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(OidcProvider.Admin, cancellationToken);
        await using var client = await RawMcpClient.ConnectAsync(_gateway.Endpoint, cancellationToken);

        var auth = await client.AuthenticateAsync(AdminOnly, cancellationToken, token);
        var ping = await client.RequestAsync("ping-1", "ping", null, cancellationToken);

        Assert.That((string?)auth["result"]?["subject"], Is.EqualTo("agent-admin"), auth.ToJsonString());
        Assert.That((string?)ping["result"]?["echo"], Is.EqualTo("ping"), ping.ToJsonString());
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Authenticate_SubjectListedOnAdminOnlyConnection_AllowedWithoutTheGroup(CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(OidcProvider.NoGroups, cancellationToken);
        await using var client = await RawMcpClient.ConnectAsync(_gateway.Endpoint, cancellationToken);

        var auth = await client.AuthenticateAsync(AdminOnly, cancellationToken, token);

        Assert.That((string?)auth["result"]?["subject"], Is.EqualTo("agent-nogroups"), auth.ToJsonString());
        Assert.That(auth["result"]?["groups"]?.AsArray(), Is.Empty);
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Authenticate_UserWithoutAdminGroupOnAdminOnlyConnection_ForbiddenAndNoUpstreamOpened(CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken);
        var upstreamsBefore = _adminSpy.Connections.Count;
        await using var client = await RawMcpClient.ConnectAsync(_gateway.Endpoint, cancellationToken);

        await client.SendAsync(Authenticate("auth-1", token, AdminOnly) + "\n" + """{"jsonrpc":"2.0","id":"sneaky","method":"ping"}""", cancellationToken);
        var refusal = await client.ReadLineAsync(cancellationToken);
        var closed = await client.IsClosedByGatewayAsync(cancellationToken);

        AssertGatewayError(refusal!, -31003, "connection_not_allowed", "auth-1");
        Assert.That(closed, Is.True);
        Assert.That(_adminSpy.Connections, Has.Count.EqualTo(upstreamsBefore), "no upstream was opened");
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Renewal_SameSubjectNoLongerInTheGroup_ForbiddenAndClosed(CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(OidcProvider.Admin, cancellationToken);
        using var issuerKeys = TokenForge.FromPrivateJwks(_provider.PrivateJwks);
        var claims = TokenForge.Claims(_provider.Issuer, OidcProvider.Audience, DateTimeOffset.UtcNow, subject: "agent-admin");
        claims["groups"] = new JsonArray("mcp-users");
        var demoted = issuerKeys.SignRs256(new JsonObject { ["alg"] = "RS256", ["kid"] = issuerKeys.RsaKeyId }, claims);
        var upstreamIndex = _adminSpy.Connections.Count;
        await using var client = await RawMcpClient.ConnectAsync(_gateway.Endpoint, cancellationToken);
        await client.AuthenticateAsync(AdminOnly, cancellationToken, token);
        var upstream = await _adminSpy.WaitForConnectionAsync(upstreamIndex, cancellationToken);
        var before = await client.RequestAsync("ping-1", "ping", null, cancellationToken);

        await client.SendAsync(Authenticate("renew", demoted, connection: null) + "\n" + """{"jsonrpc":"2.0","id":"ping-2","method":"ping"}""", cancellationToken);
        var refusal = await client.ReadLineAsync(cancellationToken);
        var closed = await client.IsClosedByGatewayAsync(cancellationToken);
        await upstream.Reading.WaitAsync(cancellationToken);

        Assert.That((string?)before["result"]?["echo"], Is.EqualTo("ping"));
        AssertGatewayError(refusal!, -31003, "connection_not_allowed", "renew");
        Assert.That(closed, Is.True);
        Assert.That(upstream.Lines.Select(l => l.RawId), Is.EqualTo(new[] { "\"ping-1\"" }), upstream.Describe());
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Session_TokenExpiresWithACallInFlight_CallCompletesLaterRequestsRefusedUntilRenewal(CancellationToken cancellationToken)
    {
        var shortLived = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken, lifetime: TimeSpan.FromSeconds(2));
        await using var client = await RawMcpClient.ConnectAsync(_gateway.Endpoint, cancellationToken);
        var upstreamIndex = _spy.Connections.Count;
        var auth = await client.AuthenticateAsync(Spy, cancellationToken, shortLived);
        var expiresAt = DateTimeOffset.Parse((string)auth["result"]!["expiresAt"]!, CultureInfo.InvariantCulture);
        await client.InitializeAsync(cancellationToken);

        await client.SendAsync("""{"jsonrpc":"2.0","id":"in-flight","method":"tools/call","params":{"name":"slow","arguments":{}}}""", cancellationToken);
        var upstream = await _spy.WaitForConnectionAsync(upstreamIndex, cancellationToken);
        var call = await upstream.WaitForLineAsync(l => l.Method == "tools/call", cancellationToken);
        var wait = expiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200);
        await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, cancellationToken);
        await upstream.SendAsync(call.ResponseWith("""{"content":[{"type":"text","text":"done"}]}"""), cancellationToken);
        var completed = await client.ReadResponseAsync("in-flight", cancellationToken);
        await client.SendAsync("""{"jsonrpc":"2.0","method":"notifications/roots/list_changed"}""", cancellationToken);
        var expired = await client.RequestAsync("after-expiry", "tools/list", null, cancellationToken);

        var renewal = await client.RequestAsync("renew", "mcpgateway/authenticate", new JsonObject
        {
            ["token"] = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken),
        }, cancellationToken);
        var renewed = await client.RequestAsync("after-renewal", "tools/list", null, cancellationToken);
        var subjectChange = await client.RequestAsync("other-subject", "mcpgateway/authenticate", new JsonObject
        {
            ["token"] = await _provider.GetTokenAsync(OidcProvider.Admin, cancellationToken),
        }, cancellationToken);
        var closed = await client.IsClosedByGatewayAsync(cancellationToken);
        await upstream.Reading.WaitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That((string?)completed["result"]?["content"]?[0]?["text"], Is.EqualTo("done"), "a call forwarded before expiry completes");
            AssertGatewayError(expired.ToJsonString(), -31002, "token_expired", "after-expiry");
            Assert.That((string?)renewal["result"]?["subject"], Is.EqualTo("agent-alice"), renewal.ToJsonString());
            Assert.That(DateTimeOffset.Parse((string)renewal["result"]!["expiresAt"]!, CultureInfo.InvariantCulture), Is.GreaterThan(expiresAt.AddMinutes(4)));
            Assert.That((string?)renewed["result"]?["echo"], Is.EqualTo("tools/list"), renewed.ToJsonString());
            AssertGatewayError(subjectChange.ToJsonString(), -31001, "subject_changed", "other-subject");
            Assert.That(closed, Is.True);
            Assert.That(upstream.Traffic.Select(l => l.RawId), Is.EqualTo(new[] { "\"in-flight\"", "\"after-renewal\"" }), upstream.Describe());
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task Gateway_IssuerDownAtStart_StartsNotReadyRefusesThenServesOnceTheIssuerIsUp(CancellationToken cancellationToken)
    {
        var port = OidcProvider.FreePort();
        await using var spy = SpyUpstream.Start(SpyBehavior.Echo);
        var settings = GatewayHarness.Settings(GatewayHarness.Tcp(Spy, spy.Port)) with
        {
            AuthMode = AuthMode.Oidc,
            Oidc = OidcProvider.SettingsFor(OidcProvider.IssuerFor(port)) with { UnknownKidRefreshInterval = TimeSpan.FromMilliseconds(200) },
        };
        await using var gateway = await GatewayHarness.StartAsync(settings, cancellationToken);
        var authenticator = gateway.Application.Services.GetRequiredService<IGatewayAuthenticator>();
        var readyAtStart = authenticator.IsReady;
        using var stranger = TokenForge.Stranger();
        var forged = stranger.SignRs256(stranger.RsaHeader(), TokenForge.Claims(OidcProvider.IssuerFor(port), OidcProvider.Audience, DateTimeOffset.UtcNow));
        JsonObject whileDown;
        await using (var early = await RawMcpClient.ConnectAsync(gateway.Endpoint, cancellationToken))
        {
            whileDown = await early.AuthenticateAsync(null, cancellationToken, forged);
        }

        await using var provider = await OidcProvider.StartAsync(cancellationToken, new OidcProviderOptions { Port = port });
        var token = await provider.GetTokenAsync(OidcProvider.Alice, cancellationToken);
        await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        await using var client = await RawMcpClient.ConnectAsync(gateway.Endpoint, cancellationToken);
        var auth = await client.AuthenticateAsync(null, cancellationToken, token);
        var ping = await client.RequestAsync("ping-1", "ping", null, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(readyAtStart, Is.False);
            AssertGatewayError(whileDown.ToJsonString(), -31001, "idp_unavailable", "auth-1");
            Assert.That((string?)auth["result"]?["subject"], Is.EqualTo("agent-alice"), auth.ToJsonString());
            Assert.That(authenticator.IsReady, Is.True);
            Assert.That((string?)ping["result"]?["echo"], Is.EqualTo("ping"));
            Assert.That(spy.Connections, Has.Count.EqualTo(1), "only the authenticated session reached the upstream");
        });
    }

    private static string Authenticate(string id, string token, string? connection)
    {
        var parameters = new JsonObject { ["token"] = token };
        if (connection is not null)
        {
            parameters["connection"] = connection;
        }

        return new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = "mcpgateway/authenticate", ["params"] = parameters }.ToJsonString();
    }

    private static bool JwtHeaderHasNoTyp(string token) =>
        JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(0, token.IndexOf('.', StringComparison.Ordinal))))?["typ"] is null;
}
