using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Core.Errors;
using McpGateway.Core.Identity;
using McpGateway.Inspectors.Authentication;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Tests.Authentication;

/// <summary>
/// <see cref="OidcAuthenticator"/> against a real OpenID provider on loopback: real RS256 and ES256 access tokens are
/// accepted, and every kind of bad token is refused with its own reason, most of them before any library sees them.
/// </summary>
[TestFixture]
internal sealed class OidcAuthenticatorTests
{
    private OidcProvider _provider = null!;
    private TokenForge _issuerKeys = null!;
    private ManualTimeProvider _clock = null!;
    private OidcAuthenticator _authenticator = null!;

    internal delegate string Craft(TokenForge issuerKeys, JsonObject claims);

    [OneTimeSetUp]
    public async Task StartProviderAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _provider = await OidcProvider.StartAsync(timeout.Token);
        _issuerKeys = TokenForge.FromPrivateJwks(_provider.PrivateJwks);
    }

    [OneTimeTearDown]
    public async Task StopProviderAsync()
    {
        _issuerKeys.Dispose();
        await _provider.DisposeAsync();
    }

    [SetUp]
    public async Task StartAuthenticatorAsync()
    {
        _clock = new ManualTimeProvider();
        _authenticator = await StartAuthenticatorAsync(_provider.Settings(), _clock);
    }

    [TearDown]
    public async Task StopAuthenticatorAsync() => await _authenticator.DisposeAsync();

    internal static async Task<OidcAuthenticator> StartAuthenticatorAsync(OidcSettings settings, TimeProvider clock)
    {
        var authenticator = new OidcAuthenticator(settings, clock, NullLogger<OidcAuthenticator>.Instance);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await authenticator.StartAsync(timeout.Token);
        return authenticator;
    }

    internal static void AssertRefused(AuthenticationOutcome outcome, string reason)
    {
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Identity, Is.Null, "the token was accepted");
            Assert.That(outcome.Error?.Code, Is.EqualTo(GatewayErrorCode.Unauthenticated));
            Assert.That(outcome.Error?.Reason, Is.EqualTo(reason));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task AuthenticateAsync_Rs256AccessToken_AcceptedWithSubjectClientAndGroups(CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken);

        var outcome = await _authenticator.AuthenticateAsync(token, cancellationToken);

        var identity = outcome.Identity;
        Assert.That(identity, Is.Not.Null, outcome.Error?.Reason);
        Assert.Multiple(() =>
        {
            Assert.That(_authenticator.IsReady, Is.True);
            Assert.That(identity!.Subject, Is.EqualTo("agent-alice"));
            Assert.That(identity.ClientId, Is.EqualTo("agent-alice"));
            Assert.That(identity.Groups, Is.EqualTo(new[] { "mcp-users", "engineering" }));
            Assert.That(identity.ExpiresAt, Is.EqualTo(_clock.GetUtcNow().AddMinutes(5)).Within(TimeSpan.FromSeconds(5)));
            Assert.That(identity.TokenHash, Does.Match("^sha256:[0-9a-f]{64}$"));
            Assert.That(identity.ToString(), Does.Not.Contain(token));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task AuthenticateAsync_Es256AccessToken_Accepted(CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(OidcProvider.Admin, cancellationToken, resource: OidcProvider.Es256Audience);

        var outcome = await _authenticator.AuthenticateAsync(token, cancellationToken);

        Assert.That(outcome.Identity, Is.Not.Null, outcome.Error?.Reason);
        Assert.Multiple(() =>
        {
            Assert.That(JwtHeader(token)["alg"]?.GetValue<string>(), Is.EqualTo("ES256"));
            Assert.That(outcome.Identity!.Subject, Is.EqualTo("agent-admin"));
            Assert.That(outcome.Identity.Groups, Is.EqualTo(new[] { "mcp-users", "mcp-admins" }));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task AuthenticateAsync_ClientWithoutGroups_AcceptedWithNoGroups(CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(OidcProvider.NoGroups, cancellationToken);

        var outcome = await _authenticator.AuthenticateAsync(token, cancellationToken);

        Assert.That(outcome.Identity?.Subject, Is.EqualTo("agent-nogroups"), outcome.Error?.Reason);
        Assert.That(outcome.Identity!.Groups, Is.Empty);
    }

    [Test]
    [CancelAfter(10000)]
    public async Task AuthenticateAsync_OktaShapedClaims_ClientFromCidAndGroupsFromString(CancellationToken cancellationToken)
    {
        var claims = TokenForge.Claims(_provider.Issuer, OidcProvider.Audience, _clock.GetUtcNow());
        claims.Remove("client_id");
        claims["cid"] = "0oa1b2c3d4";
        claims["groups"] = "mcp-users  mcp-admins";
        var header = new JsonObject { ["alg"] = "RS256", ["kid"] = _issuerKeys.RsaKeyId };

        var outcome = await _authenticator.AuthenticateAsync(_issuerKeys.SignRs256(header, claims), cancellationToken);

        Assert.That(outcome.Identity, Is.Not.Null, outcome.Error?.Reason);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Identity!.ClientId, Is.EqualTo("0oa1b2c3d4"));
            Assert.That(outcome.Identity.Groups, Is.EqualTo(new[] { "mcp-users", "mcp-admins" }));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task AuthenticateAsync_ConfiguredClaimNames_Used(CancellationToken cancellationToken)
    {
        await using var authenticator = await StartAuthenticatorAsync(
            _provider.Settings() with { SubjectClaim = "uid", GroupsClaim = "roles", ClientIdClaims = ["azp"] }, _clock);
        var claims = TokenForge.Claims(_provider.Issuer, OidcProvider.Audience, _clock.GetUtcNow());
        claims["uid"] = "00u-user";
        claims["roles"] = new JsonArray("MCP Admins");
        claims["azp"] = "the-client";

        var outcome = await authenticator.AuthenticateAsync(_issuerKeys.SignRs256(_issuerKeys.RsaHeader(), claims), cancellationToken);

        Assert.That(outcome.Identity, Is.Not.Null, outcome.Error?.Reason);
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Identity!.Subject, Is.EqualTo("00u-user"));
            Assert.That(outcome.Identity.ClientId, Is.EqualTo("the-client"));
            Assert.That(outcome.Identity.Groups, Is.EqualTo(new[] { "MCP Admins" }), "a group name in an array keeps its spaces");
        });
    }

    private static IEnumerable<TestCaseData> RefusedBeforeValidation()
    {
        static TestCaseData Case(string name, string reason, Craft craft) => new TestCaseData(craft, reason).SetName($"AuthenticateAsync_{name}_Refused{ToPascal(reason)}");

        yield return Case("AlgNone", "algorithm_not_allowed", (keys, claims) =>
            TokenForge.Unsigned(new JsonObject { ["alg"] = "none", ["typ"] = "at+jwt" }, claims));
        yield return Case("AlgNoneUppercase", "algorithm_not_allowed", (keys, claims) =>
            TokenForge.Unsigned(new JsonObject { ["alg"] = "NONE" }, claims) + "c2ln");
        yield return Case("Hs256WithThePublicKeyAsSecret", "algorithm_not_allowed", (keys, claims) =>
            TokenForge.SignHs256(new JsonObject { ["alg"] = "HS256", ["typ"] = "at+jwt", ["kid"] = keys.RsaKeyId }, claims, keys.RsaPublicKeyPem));
        yield return Case("AlgMissing", "algorithm_not_allowed", (keys, claims) =>
            keys.SignRs256(new JsonObject { ["typ"] = "at+jwt", ["kid"] = keys.RsaKeyId }, claims));
        yield return Case("AlgNotAString", "algorithm_not_allowed", (keys, claims) =>
            keys.SignRs256(new JsonObject { ["alg"] = new JsonArray("RS256"), ["kid"] = keys.RsaKeyId }, claims));
        yield return Case("AlgUnknown", "algorithm_not_allowed", (keys, claims) =>
            keys.SignRs256(new JsonObject { ["alg"] = "RS1", ["kid"] = keys.RsaKeyId }, claims));
        yield return Case("CritHeader", "forbidden_header", (keys, claims) =>
            keys.SignRs256(With(keys.RsaHeader(), "crit", new JsonArray("exp")), claims));
        yield return Case("JwkEmbedded", "forbidden_header", (keys, claims) =>
            keys.SignRs256(With(keys.RsaHeader(), "jwk", new JsonObject { ["kty"] = "RSA", ["n"] = "AQAB", ["e"] = "AQAB" }), claims));
        yield return Case("X5cEmbedded", "forbidden_header", (keys, claims) =>
            keys.SignRs256(With(keys.RsaHeader(), "x5c", new JsonArray("MIIBIjANBgkq")), claims));
        yield return Case("DuplicateAlgMember", "malformed_token", (keys, claims) =>
            keys.SignRs256($$"""{"alg":"RS256","kid":"{{keys.RsaKeyId}}","alg":"none"}""", claims.ToJsonString()));
        yield return Case("DuplicateSubClaim", "malformed_token", (keys, claims) =>
            keys.SignRs256(keys.RsaHeader().ToJsonString(), claims.ToJsonString()[..^1] + ""","sub":"agent-admin"}"""));
        yield return Case("JweFiveParts", "malformed_token", (keys, claims) =>
            TokenForge.Encode("""{"alg":"RSA-OAEP","enc":"A256GCM","kid":"x"}""") + ".ZW5jcnlwdGVka2V5.aXY.Y2lwaGVydGV4dA.dGFn");
        yield return Case("TwoParts", "malformed_token", (keys, claims) =>
            TokenForge.Encode(keys.RsaHeader().ToJsonString()) + "." + TokenForge.Encode(claims.ToJsonString()));
        yield return Case("Garbage", "malformed_token", (keys, claims) => "not a token at all");
        yield return Case("PaddedBase64", "malformed_token", (keys, claims) => keys.SignRs256(keys.RsaHeader(), claims) + "==");
        yield return Case("HeaderNotJson", "malformed_token", (keys, claims) =>
            TokenForge.Encode("RS256") + "." + TokenForge.Encode(claims.ToJsonString()) + ".c2ln");
        yield return Case("PayloadNotAnObject", "malformed_token", (keys, claims) => keys.SignRs256(keys.RsaHeader().ToJsonString(), "[1,2]"));
        yield return Case("EmptySignature", "malformed_token", (keys, claims) =>
            TokenForge.Unsigned(keys.RsaHeader(), claims));
        yield return Case("TypDpop", "malformed_token", (keys, claims) =>
            keys.SignRs256(With(keys.RsaHeader(), "typ", "dpop+jwt"), claims));
        yield return Case("NoKidWhileTheIssuerHasTwoKeys", "malformed_token", (keys, claims) =>
            keys.SignRs256(new JsonObject { ["alg"] = "RS256", ["typ"] = "at+jwt" }, claims));
        yield return Case("Oversized", "token_too_large", (keys, claims) =>
            keys.SignRs256(keys.RsaHeader(), With(claims, "padding", new string('x', 17 * 1024))));
    }

    [TestCaseSource(nameof(RefusedBeforeValidation))]
    [CancelAfter(10000)]
    public async Task AuthenticateAsync_CraftedToken_Refused(Craft craft, string reason, CancellationToken cancellationToken)
    {
        var claims = TokenForge.Claims(_provider.Issuer, OidcProvider.Audience, _clock.GetUtcNow());
        var token = craft(_issuerKeys, claims);

        var outcome = await _authenticator.AuthenticateAsync(token, cancellationToken);

        AssertRefused(outcome, reason);
    }

    [TestCase("jku")]
    [TestCase("x5u")]
    [CancelAfter(10000)]
    public async Task AuthenticateAsync_HeaderNamesAKeyUrl_RefusedAndTheUrlNeverFetched(string member, CancellationToken cancellationToken)
    {
        using var bait = new TcpListener(IPAddress.Loopback, 0);
        bait.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)bait.LocalEndpoint).Port}/keys";
        var claims = TokenForge.Claims(_provider.Issuer, OidcProvider.Audience, _clock.GetUtcNow());

        var outcome = await _authenticator.AuthenticateAsync(_issuerKeys.SignRs256(With(_issuerKeys.RsaHeader(), member, url), claims), cancellationToken);

        AssertRefused(outcome, "forbidden_header");
        Assert.That(bait.Pending(), Is.False, "the gateway connected to the URL named in the token");
    }

    [Test]
    [CancelAfter(10000)]
    public async Task AuthenticateAsync_ValidlySignedByTheIssuersKey_AcceptedAsTheControlCase(CancellationToken cancellationToken)
    {
        var claims = TokenForge.Claims(_provider.Issuer, OidcProvider.Audience, _clock.GetUtcNow());

        var outcome = await _authenticator.AuthenticateAsync(_issuerKeys.SignRs256(_issuerKeys.RsaHeader(), claims), cancellationToken);

        Assert.That(outcome.Identity?.Subject, Is.EqualTo("agent-alice"), outcome.Error?.Reason);
    }

    [Test]
    [CancelAfter(10000)]
    public async Task AuthenticateAsync_AlgorithmOutsideConfiguredList_Refused(CancellationToken cancellationToken)
    {
        await using var authenticator = await StartAuthenticatorAsync(_provider.Settings() with { AllowedAlgorithms = ["ES256"] }, _clock);
        var token = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken);

        AssertRefused(await authenticator.AuthenticateAsync(token, cancellationToken), "algorithm_not_allowed");
    }

    [Test]
    [CancelAfter(10000)]
    public async Task AuthenticateAsync_WrongAudience_RefusedWrongAudience(CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken, resource: OidcProvider.OtherAudience);

        AssertRefused(await _authenticator.AuthenticateAsync(token, cancellationToken), "wrong_audience");
    }

    [Test]
    [CancelAfter(15000)]
    public async Task AuthenticateAsync_OtherIssuerWithTheSameKeys_RefusedWrongIssuer(CancellationToken cancellationToken)
    {
        // A second provider signing with the very same keys under another issuer: only the issuer check can tell.
        await using var other = await OidcProvider.StartAsync(cancellationToken, new OidcProviderOptions { SigningKeys = _provider.PrivateJwks });
        var token = await other.GetTokenAsync(OidcProvider.Alice, cancellationToken);

        AssertRefused(await _authenticator.AuthenticateAsync(token, cancellationToken), "wrong_issuer");
    }

    [Test]
    [CancelAfter(10000)]
    public async Task AuthenticateAsync_ExpiredPastClockSkew_RefusedTokenExpired(CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken, lifetime: TimeSpan.FromSeconds(60));
        _clock.Advance(TimeSpan.FromSeconds(60 + 20));
        var withinSkew = await _authenticator.AuthenticateAsync(token, cancellationToken);

        _clock.Advance(TimeSpan.FromSeconds(15));
        var pastSkew = await _authenticator.AuthenticateAsync(token, cancellationToken);

        Assert.That(withinSkew.Identity, Is.Not.Null, "expired by less than the 30 s clock skew");
        AssertRefused(pastSkew, "token_expired");
        Assert.That(pastSkew.Error?.Code, Is.EqualTo(GatewayErrorCode.Unauthenticated), "-31002 is only for expiry mid-session");
    }

    [Test]
    [CancelAfter(10000)]
    public async Task AuthenticateAsync_NotBeforeInTheFuture_RefusedTokenNotYetValid(CancellationToken cancellationToken)
    {
        var claims = TokenForge.Claims(_provider.Issuer, OidcProvider.Audience, _clock.GetUtcNow());
        claims["nbf"] = _clock.GetUtcNow().ToUnixTimeSeconds() + 120;

        var outcome = await _authenticator.AuthenticateAsync(_issuerKeys.SignRs256(_issuerKeys.RsaHeader(), claims), cancellationToken);

        AssertRefused(outcome, "token_not_yet_valid");
    }

    [Test]
    [CancelAfter(10000)]
    public async Task AuthenticateAsync_NoExp_RefusedMalformed(CancellationToken cancellationToken)
    {
        var claims = TokenForge.Claims(_provider.Issuer, OidcProvider.Audience, _clock.GetUtcNow());
        claims.Remove("exp");

        AssertRefused(await _authenticator.AuthenticateAsync(_issuerKeys.SignRs256(_issuerKeys.RsaHeader(), claims), cancellationToken), "malformed_token");
    }

    [Test]
    [CancelAfter(10000)]
    public async Task AuthenticateAsync_NoSubject_RefusedMalformed(CancellationToken cancellationToken)
    {
        var claims = TokenForge.Claims(_provider.Issuer, OidcProvider.Audience, _clock.GetUtcNow());
        claims.Remove("sub");

        AssertRefused(await _authenticator.AuthenticateAsync(_issuerKeys.SignRs256(_issuerKeys.RsaHeader(), claims), cancellationToken), "malformed_token");
    }

    [Test]
    [CancelAfter(10000)]
    public async Task AuthenticateAsync_PayloadChangedAfterSigning_RefusedInvalidSignature(CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken);
        var parts = token.Split('.');
        var payload = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1]))!.AsObject();
        payload["groups"] = new JsonArray("mcp-admins");
        var tampered = $"{parts[0]}.{TokenForge.Encode(payload.ToJsonString())}.{parts[2]}";

        AssertRefused(await _authenticator.AuthenticateAsync(tampered, cancellationToken), "invalid_signature");
    }

    [Test]
    [CancelAfter(10000)]
    public async Task AuthenticateAsync_SignedByAStrangerUnderTheIssuersKid_RefusedInvalidSignature(CancellationToken cancellationToken)
    {
        using var stranger = TokenForge.Stranger();
        var claims = TokenForge.Claims(_provider.Issuer, OidcProvider.Audience, _clock.GetUtcNow());

        var outcome = await _authenticator.AuthenticateAsync(stranger.SignRs256(_issuerKeys.RsaHeader(), claims), cancellationToken);

        AssertRefused(outcome, "invalid_signature");
    }

    [Test]
    [CancelAfter(10000)]
    public async Task AuthenticateAsync_RsaSignatureUnderTheEcKid_RefusedInvalidSignature(CancellationToken cancellationToken)
    {
        // The header says RS256 and names the issuer's EC key: the key type does not fit the algorithm.
        var claims = TokenForge.Claims(_provider.Issuer, OidcProvider.Audience, _clock.GetUtcNow());

        var outcome = await _authenticator.AuthenticateAsync(_issuerKeys.SignRs256(With(_issuerKeys.RsaHeader(), "kid", _issuerKeys.EcKeyId!), claims), cancellationToken);

        AssertRefused(outcome, "invalid_signature");
    }

    private static JsonObject JwtHeader(string token) =>
        JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(0, token.IndexOf('.', StringComparison.Ordinal))))!.AsObject();

    private static JsonObject With(JsonObject json, string name, JsonNode value)
    {
        json[name] = value;
        return json;
    }

    private static string ToPascal(string reason) => string.Concat(reason.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}
