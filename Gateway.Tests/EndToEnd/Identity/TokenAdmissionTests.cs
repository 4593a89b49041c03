using System.Collections.Frozen;
using System.Net;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Tests.Authentication;
using McpGateway.Tests.EndToEnd.FrontDoor;
using McpGateway.Tests.EndToEnd.Hostile;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using static McpGateway.Tests.EndToEnd.Hostile.HostileWire;

namespace McpGateway.Tests.EndToEnd.Identity;

/// <summary>
/// Tokens that are validly signed by the real issuer and still must not open a session: issued in the future, living
/// too long, carrying only a marker that their groups did not fit; and valid tokens whose identity the connection does
/// not admit. Each is tried on the TCP listener and on the HTTP front door, with a spy upstream that must never be
/// opened for a refused token.
/// </summary>
[TestFixture]
internal sealed class TokenAdmissionTests
{
    private const string Spy = "spy";
    private const string AdminOnly = "admin-only";

    private SpyUpstream _spy = null!;
    private SpyUpstream _adminSpy = null!;
    private FrontDoorRig _rig = null!;
    private TokenForge _issuerKeys = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _spy = SpyUpstream.Start(SpyBehavior.Echo);
        _adminSpy = SpyUpstream.Start(SpyBehavior.Echo);
        var adminOnly = GatewayHarness.Tcp(AdminOnly, _adminSpy.Port) with
        {
            Access = new ConnectionAccess { AllowedGroups = new[] { "mcp-admins" }.ToFrozenSet(StringComparer.Ordinal) },
        };
        _rig = await FrontDoorRig.StartAsync(null, timeout.Token, GatewayHarness.Tcp(Spy, _spy.Port), adminOnly);
        _issuerKeys = TokenForge.FromPrivateJwks(_rig.Provider.PrivateJwks);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _issuerKeys.Dispose();
        await _rig.DisposeAsync();
        await _adminSpy.DisposeAsync();
        await _spy.DisposeAsync();
    }

    [TestCase("iat-in-future", "token_issued_in_future")]
    [TestCase("thirty-days", "token_lifetime_too_long")]
    [TestCase("thirty-days-no-iat", "token_lifetime_too_long")]
    [TestCase("provider-thirty-days", "token_lifetime_too_long")]
    [TestCase("provider-overage", "groups_overage")]
    [TestCase("hasgroups", "groups_overage")]
    [CancelAfter(15000)]
    public async Task Authenticate_SignedTokenBreakingAClaimRule_Refused31001ClosedAndNoUpstreamOverTcp(string kind, string reason, CancellationToken cancellationToken)
    {
        var token = await TokenAsync(kind, cancellationToken);
        var upstreams = _spy.Connections.Count;
        await using var client = await RawMcpClient.ConnectAsync(_rig.Gateway.Endpoint, cancellationToken);

        await client.SendAsync(AuthenticateFrame.Of("auth-1", token, Spy) + "\n" + """{"jsonrpc":"2.0","id":"sneaky","method":"tools/list"}""", cancellationToken);
        var refusal = await client.ReadLineAsync(cancellationToken);
        var closed = await client.IsClosedByGatewayAsync(cancellationToken);

        AssertGatewayError(refusal!, -31001, reason, "auth-1");
        Assert.That(closed, Is.True);
        Assert.That(_spy.Connections, Has.Count.EqualTo(upstreams), "no upstream was opened");
    }

    [TestCase("iat-in-future", "token_issued_in_future")]
    [TestCase("provider-thirty-days", "token_lifetime_too_long")]
    [TestCase("provider-overage", "groups_overage")]
    [CancelAfter(15000)]
    public async Task Post_SignedTokenBreakingAClaimRule_401InvalidTokenWithTheReasonAndNoUpstream(string kind, string reason, CancellationToken cancellationToken)
    {
        var token = await TokenAsync(kind, cancellationToken);
        var upstreams = _spy.Connections.Count;

        using var refused = await _rig.Http.SendAsync(FrontDoorRig.Post(_rig.Url(Spy), FrontDoorRig.Initialize(), token), cancellationToken);
        var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync(cancellationToken))!;

        Assert.Multiple(() =>
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(refused.Headers.WwwAuthenticate.Single().Parameter, Does.Contain("error=\"invalid_token\""));
            Assert.That((int?)body["error"]?["code"], Is.EqualTo(-31001));
            Assert.That((string?)body["error"]?["data"]?["reason"], Is.EqualTo(reason));
            Assert.That(_spy.Connections, Has.Count.EqualTo(upstreams), "no upstream was opened");
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Authenticate_ProviderTokenWithinTheLifetimeLimit_AcceptedAsTheControlCase(CancellationToken cancellationToken)
    {
        var token = await _rig.Provider.GetTokenAsync(OidcProvider.Alice, cancellationToken, lifetime: TimeSpan.FromHours(23));
        await using var client = await RawMcpClient.ConnectAsync(_rig.Gateway.Endpoint, cancellationToken);

        var auth = await client.AuthenticateAsync(Spy, cancellationToken, token);

        Assert.That((string?)auth["result"]?["subject"], Is.EqualTo(OidcProvider.Alice), auth.ToJsonString());
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Post_ValidTokenTheConnectionDoesNotAdmit_403ConnectionNotAllowedAndNoUpstream(CancellationToken cancellationToken)
    {
        var token = await _rig.TokenAsync(cancellationToken, OidcProvider.Alice);
        var upstreams = _adminSpy.Connections.Count;

        using var refused = await _rig.Http.SendAsync(FrontDoorRig.Post(_rig.Url(AdminOnly), FrontDoorRig.Initialize(), token), cancellationToken);
        var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync(cancellationToken))!;

        Assert.Multiple(() =>
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(refused.Headers.Contains("Mcp-Session-Id"), Is.False, "no session was made");
            Assert.That((int?)body["error"]?["code"], Is.EqualTo(-31003));
            Assert.That((string?)body["error"]?["data"]?["reason"], Is.EqualTo("connection_not_allowed"));
            Assert.That(_adminSpy.Connections, Has.Count.EqualTo(upstreams), "no upstream was opened");
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Renewal_NamingAnotherConnection_Forbidden31003AndClosed(CancellationToken cancellationToken)
    {
        var token = await _rig.TokenAsync(cancellationToken, OidcProvider.Admin);
        await using var client = await RawMcpClient.ConnectAsync(_rig.Gateway.Endpoint, cancellationToken);
        await client.AuthenticateAsync(Spy, cancellationToken, token);

        await client.SendAsync(AuthenticateFrame.Of("renew", token, AdminOnly) + "\n" + """{"jsonrpc":"2.0","id":"after","method":"ping"}""", cancellationToken);
        var refusal = await client.ReadLineAsync(cancellationToken);
        var closed = await client.IsClosedByGatewayAsync(cancellationToken);

        AssertGatewayError(refusal!, -31003, "connection_not_allowed", "renew");
        Assert.That(closed, Is.True, "a connection that asked for what it may not have is closed");
    }

    private async Task<string> TokenAsync(string kind, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var claims = TokenForge.Claims(_rig.Provider.Issuer, OidcProvider.Audience, now);
        switch (kind)
        {
            case "provider-thirty-days":
                return await _rig.Provider.GetTokenAsync(OidcProvider.Alice, cancellationToken, lifetime: TimeSpan.FromDays(30));
            case "provider-overage":
                return await _rig.Provider.GetTokenAsync(OidcProvider.Overage, cancellationToken);
            case "iat-in-future":
                claims["iat"] = now.AddMinutes(10).ToUnixTimeSeconds();
                claims["exp"] = now.AddMinutes(20).ToUnixTimeSeconds();
                break;
            case "thirty-days":
                claims["exp"] = now.AddDays(30).ToUnixTimeSeconds();
                break;
            case "thirty-days-no-iat":
                claims.Remove("iat");
                claims["exp"] = now.AddDays(30).ToUnixTimeSeconds();
                break;
            case "hasgroups":
                claims.Remove("groups");
                claims["hasgroups"] = true;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }

        return _issuerKeys.SignRs256(_issuerKeys.RsaHeader(), claims);
    }
}
