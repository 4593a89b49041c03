using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.Hostile;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.FrontDoor;

/// <summary>
/// The front door's HTTP rules, driven with raw requests against an observing upstream: bearer tokens checked before
/// any upstream is contacted (401 with RFC 9728 metadata), Origin, media types, the session's life, renewal, and
/// stateless (2026-07-28) requests.
/// </summary>
[TestFixture]
internal sealed class FrontDoorProtocolTests
{
    private const string Spy = "spy";

    private SpyUpstream _spy = null!;
    private FrontDoorRig _rig = null!;
    private string _token = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _spy = SpyUpstream.Start(SpyBehavior.Echo);
        _rig = await FrontDoorRig.StartAsync(null, timeout.Token, GatewayHarness.Tcp(Spy, _spy.Port));
        _token = await _rig.TokenAsync(timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _rig.DisposeAsync();
        await _spy.DisposeAsync();
    }

    private Uri Url => _rig.Url(Spy);

    [Test]
    [CancelAfter(15000)]
    public async Task Post_NoToken_401ChallengeLeadsToMetadataNamingTheIssuer_NoUpstreamContacted(CancellationToken cancellationToken)
    {
        var upstreams = _spy.Connections.Count;

        using var refused = await _rig.Http.SendAsync(FrontDoorRig.Post(Url, FrontDoorRig.Initialize(), token: null), cancellationToken);
        var challenge = refused.Headers.WwwAuthenticate.Single();
        var metadataUrl = Parameter(challenge.Parameter!, "resource_metadata");
        var metadata = JsonNode.Parse(await _rig.Http.GetStringAsync(metadataUrl, cancellationToken))!;
        var root = JsonNode.Parse(await _rig.Http.GetStringAsync(_rig.Base + "/.well-known/oauth-protected-resource", cancellationToken))!;

        Assert.Multiple(() =>
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(challenge.Scheme, Is.EqualTo("Bearer"));
            Assert.That(metadataUrl, Is.EqualTo(_rig.Base + "/.well-known/oauth-protected-resource/mcp/spy"));
            Assert.That(challenge.Parameter, Does.Contain("scope=\"mcp:tools\"").And.Not.Contain("error="), "no token: no error code (RFC 6750 3.1)");
            Assert.That((string?)metadata["resource"], Is.EqualTo(Url.ToString()));
            Assert.That(metadata["authorization_servers"]!.AsArray().Select(s => (string?)s), Is.EqualTo(new[] { _rig.Provider.Issuer }));
            Assert.That(metadata["bearer_methods_supported"]!.AsArray().Select(s => (string?)s), Is.EqualTo(new[] { "header" }));
            Assert.That(metadata["scopes_supported"]!.AsArray().Select(s => (string?)s), Is.EqualTo(new[] { "mcp:tools" }));
            Assert.That((string?)root["resource"], Is.EqualTo(_rig.Base));
            Assert.That(_spy.Connections, Has.Count.EqualTo(upstreams), "no upstream was opened");
        });
    }

    [TestCase("garbage", "malformed_token")]
    [TestCase("other-audience", "wrong_audience")]
    [TestCase("expired", "token_expired")]
    [CancelAfter(15000)]
    public async Task Post_RefusedToken_401InvalidTokenAndNoUpstreamContacted(string kind, string reason, CancellationToken cancellationToken)
    {
        var token = kind switch
        {
            "garbage" => "garbage",
            "other-audience" => await _rig.TokenAsync(cancellationToken, resource: OidcProvider.OtherAudience),
            _ => await _rig.TokenAsync(cancellationToken, lifetime: TimeSpan.FromSeconds(1)),
        };
        if (kind == "expired")
        {
            await Task.Delay(TimeSpan.FromSeconds(1.5), cancellationToken);
        }

        var upstreams = _spy.Connections.Count;

        using var refused = await _rig.Http.SendAsync(FrontDoorRig.Post(Url, FrontDoorRig.Initialize(), token), cancellationToken);
        var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync(cancellationToken))!;

        Assert.Multiple(() =>
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(refused.Headers.WwwAuthenticate.Single().Parameter, Does.Contain("error=\"invalid_token\"").And.Contain("resource_metadata=\""));
            Assert.That((int?)body["error"]?["code"], Is.EqualTo(-31001));
            Assert.That((string?)body["error"]?["data"]?["reason"], Is.EqualTo(reason));
            Assert.That(body.ToJsonString(), Does.Not.Contain(token[..Math.Min(token.Length, 40)]), "never echoes the token");
            Assert.That(_spy.Connections, Has.Count.EqualTo(upstreams), "no upstream was opened");
        });
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Post_ForeignOrigin_403NoUpstream_AllowedOriginServed(CancellationToken cancellationToken)
    {
        var upstreams = _spy.Connections.Count;
        using var rebinding = FrontDoorRig.Post(Url, FrontDoorRig.Initialize(), _token);
        rebinding.Headers.Add("Origin", "http://attacker.example:8080");
        using var allowed = FrontDoorRig.Post(Url, FrontDoorRig.Initialize(), _token);
        allowed.Headers.Add("Origin", FrontDoorRig.AllowedOrigin);

        using var preflightRequest = new HttpRequestMessage(HttpMethod.Options, Url);
        preflightRequest.Headers.Add("Origin", FrontDoorRig.AllowedOrigin);
        preflightRequest.Headers.Add("Access-Control-Request-Method", "POST");

        using var refused = await _rig.Http.SendAsync(rebinding, cancellationToken);
        var afterRefusal = _spy.Connections.Count;
        using var preflight = await _rig.Http.SendAsync(preflightRequest, cancellationToken);
        using var served = await _rig.Http.SendAsync(allowed, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(refused.Headers.Contains("Access-Control-Allow-Origin"), Is.False);
            Assert.That(afterRefusal, Is.EqualTo(upstreams), "no upstream was opened");
            Assert.That(preflight.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(preflight.Headers.GetValues("Access-Control-Allow-Headers").Single(), Does.Contain("Authorization").And.Contain("Mcp-Session-Id"));
            Assert.That(served.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(served.Headers.GetValues("Access-Control-Allow-Origin").Single(), Is.EqualTo(FrontDoorRig.AllowedOrigin));
            Assert.That(served.Headers.GetValues("Access-Control-Expose-Headers").Single(), Does.Contain("Mcp-Session-Id"));
        });
        await DeleteAsync(served, cancellationToken);
    }

    [TestCase("text/plain", "application/json, text/event-stream", null, HttpStatusCode.UnsupportedMediaType)]
    [TestCase("application/json", "application/json", null, HttpStatusCode.NotAcceptable)]
    [TestCase("application/json", "text/event-stream", null, HttpStatusCode.NotAcceptable)]
    [TestCase("application/json", "application/json, text/event-stream", "1999-01-01", HttpStatusCode.BadRequest)]
    [CancelAfter(15000)]
    public async Task Post_BadHeaders_RefusedBeforeAnySession(string contentType, string accept, string? version, HttpStatusCode status, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new StringContent(FrontDoorRig.Initialize()) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        if (version is not null)
        {
            request.Headers.Add("MCP-Protocol-Version", version);
        }

        using var response = await _rig.Http.SendAsync(request, cancellationToken);

        Assert.That(response.StatusCode, Is.EqualTo(status));
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Session_InitializeCallDelete_OneUpstreamConnectionThatEndsWithTheSession(CancellationToken cancellationToken)
    {
        var index = _spy.Connections.Count;

        using var initialized = await _rig.Http.SendAsync(FrontDoorRig.Post(Url, FrontDoorRig.Initialize(), _token), cancellationToken);
        var sessionId = initialized.Headers.GetValues("Mcp-Session-Id").Single();
        using var notified = await _rig.Http.SendAsync(FrontDoorRig.Post(Url, """{"jsonrpc":"2.0","method":"notifications/initialized"}""", _token, sessionId), cancellationToken);
        using var listed = await _rig.Http.SendAsync(FrontDoorRig.Post(Url, """{"jsonrpc":"2.0","id":"list-1","method":"tools/list"}""", _token, sessionId), cancellationToken);
        var list = JsonNode.Parse(await listed.Content.ReadAsStringAsync(cancellationToken))!;
        using var deleteRequest = new HttpRequestMessage(HttpMethod.Delete, Url);
        deleteRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        deleteRequest.Headers.Add("Mcp-Session-Id", sessionId);
        using var deleted = await _rig.Http.SendAsync(deleteRequest, cancellationToken);
        var upstream = await _spy.WaitForConnectionAsync(index, cancellationToken);
        await upstream.Reading.WaitAsync(cancellationToken);
        using var afterDelete = await _rig.Http.SendAsync(FrontDoorRig.Post(Url, """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", _token, sessionId), cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(initialized.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(initialized.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(notified.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That((string?)list["id"], Is.EqualTo("list-1"));
            Assert.That((string?)list["result"]?["echo"], Is.EqualTo("tools/list"));
            Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(upstream.Lines.Select(l => l.Method), Is.EqualTo(new[] { "initialize", "notifications/initialized", "tools/list" }), "no token, no authenticate frame reaches the upstream");
            Assert.That(upstream.Describe(), Does.Not.Contain(_token[..40]));
            Assert.That(afterDelete.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(_spy.Connections, Has.Count.EqualTo(index + 1));
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Session_TokenRenewal_SameSubjectContinues_ExpiredTokenGets401_OtherSubjectRefusedSessionGoesOn(CancellationToken cancellationToken)
    {
        var shortLived = await _rig.TokenAsync(cancellationToken, lifetime: TimeSpan.FromSeconds(2));
        var index = _spy.Connections.Count;
        using var initialized = await _rig.Http.SendAsync(FrontDoorRig.Post(Url, FrontDoorRig.Initialize(), shortLived), cancellationToken);
        var sessionId = initialized.Headers.GetValues("Mcp-Session-Id").Single();
        await Task.Delay(TimeSpan.FromSeconds(2.2), cancellationToken);

        using var expired = await _rig.Http.SendAsync(FrontDoorRig.Post(Url, """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", shortLived, sessionId), cancellationToken);
        using var renewed = await _rig.Http.SendAsync(FrontDoorRig.Post(Url, """{"jsonrpc":"2.0","id":3,"method":"tools/list"}""", _token, sessionId), cancellationToken);
        var admin = await _rig.TokenAsync(cancellationToken, OidcProvider.Admin);
        using var otherSubject = await _rig.Http.SendAsync(FrontDoorRig.Post(Url, """{"jsonrpc":"2.0","id":4,"method":"tools/list"}""", admin, sessionId), cancellationToken);
        using var afterwards = await _rig.Http.SendAsync(FrontDoorRig.Post(Url, """{"jsonrpc":"2.0","id":5,"method":"tools/list"}""", _token, sessionId), cancellationToken);
        var upstream = await _spy.WaitForConnectionAsync(index, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(expired.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(expired.Headers.WwwAuthenticate.Single().Parameter, Does.Contain("error=\"invalid_token\"").And.Contain("token_expired"));
            Assert.That(renewed.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a fresh token of the same subject renews the session");
            Assert.That(otherSubject.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "another subject's token finds no session");
            Assert.That(afterwards.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the session's own subject goes on");
            Assert.That(upstream.Lines.Select(l => l.RawId), Is.EqualTo(new[] { "1", "3", "5" }), upstream.Describe());
        });
        await DeleteAsync(initialized, cancellationToken);
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Session_ValidTokenOfAnotherSubjectWithTheVictimsSessionId_404EveryMethodAndTheVictimsSessionGoesOn(CancellationToken cancellationToken)
    {
        var index = _spy.Connections.Count;
        using var initialized = await _rig.Http.SendAsync(FrontDoorRig.Post(Url, FrontDoorRig.Initialize(), _token), cancellationToken);
        var victim = initialized.Headers.GetValues("Mcp-Session-Id").Single();
        var attacker = await _rig.TokenAsync(cancellationToken, OidcProvider.Admin);

        using var post = await _rig.Http.SendAsync(FrontDoorRig.Post(Url, """{"jsonrpc":"2.0","id":"steal","method":"tools/list"}""", attacker, victim), cancellationToken);
        var postBody = JsonNode.Parse(await post.Content.ReadAsStringAsync(cancellationToken))!;
        using var getRequest = new HttpRequestMessage(HttpMethod.Get, Url);
        getRequest.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        getRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", attacker);
        getRequest.Headers.Add("Mcp-Session-Id", victim);
        using var get = await _rig.Http.SendAsync(getRequest, cancellationToken);
        using var deleteRequest = new HttpRequestMessage(HttpMethod.Delete, Url);
        deleteRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", attacker);
        deleteRequest.Headers.Add("Mcp-Session-Id", victim);
        using var delete = await _rig.Http.SendAsync(deleteRequest, cancellationToken);
        using var unknown = await _rig.Http.SendAsync(FrontDoorRig.Post(Url, """{"jsonrpc":"2.0","id":"x","method":"tools/list"}""", attacker, "0123456789abcdef01234567"), cancellationToken);
        var unknownBody = await unknown.Content.ReadAsStringAsync(cancellationToken);

        using var victimCall = await _rig.Http.SendAsync(FrontDoorRig.Post(Url, """{"jsonrpc":"2.0","id":"mine","method":"tools/list"}""", _token, victim), cancellationToken);
        var victimAnswer = JsonNode.Parse(await victimCall.Content.ReadAsStringAsync(cancellationToken))!;
        var upstream = await _spy.WaitForConnectionAsync(index, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(post.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That((string?)postBody["error"]?["data"]?["reason"], Is.EqualTo("session_not_found"));
            Assert.That(postBody.ToJsonString(), Is.EqualTo(unknownBody), "answered exactly like a session id that does not exist");
            Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(delete.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(victimCall.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the victim's session was not touched");
            Assert.That((string?)victimAnswer["result"]?["echo"], Is.EqualTo("tools/list"));
            Assert.That(upstream.Lines.Select(l => l.RawId), Is.EqualTo(new[] { "1", "\"mine\"" }), upstream.Describe());
        });
        await DeleteAsync(initialized, cancellationToken);
    }

    [Test]
    [CancelAfter(15000)]
    public async Task AnyRequest_ForeignHost_403HostNotAllowedNoUpstream_LoopbackNamesServed(CancellationToken cancellationToken)
    {
        var upstreams = _spy.Connections.Count;
        using var rebound = FrontDoorRig.Post(Url, FrontDoorRig.Initialize(), _token);
        rebound.Headers.Host = "evil.example.com";
        using var reboundMetadata = new HttpRequestMessage(HttpMethod.Get, _rig.Base + "/.well-known/oauth-protected-resource/mcp/spy");
        reboundMetadata.Headers.Host = "evil.example.com:" + _rig.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var localhost = FrontDoorRig.Post(Url, FrontDoorRig.Initialize(), _token);
        localhost.Headers.Host = "LOCALHOST:" + _rig.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var refused = await _rig.Http.SendAsync(rebound, cancellationToken);
        var refusal = JsonNode.Parse(await refused.Content.ReadAsStringAsync(cancellationToken))!;
        using var metadataRefused = await _rig.Http.SendAsync(reboundMetadata, cancellationToken);
        var afterRefusals = _spy.Connections.Count;
        using var served = await _rig.Http.SendAsync(localhost, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((int?)refusal["error"]?["code"], Is.EqualTo(-31003));
            Assert.That((string?)refusal["error"]?["data"]?["reason"], Is.EqualTo("host_not_allowed"));
            Assert.That(refusal.ToJsonString(), Does.Not.Contain("evil"), "the refusal does not echo the host");
            Assert.That(metadataRefused.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "metadata built on the Host is not served to a foreign host either");
            Assert.That(afterRefusals, Is.EqualTo(upstreams), "no upstream was opened");
            Assert.That(served.StatusCode, Is.EqualTo(HttpStatusCode.OK), "localhost names the bound loopback address");
        });
        await DeleteAsync(served, cancellationToken);
    }

    [Test]
    [CancelAfter(15000)]
    public async Task Stateless_DiscoverWithoutSession_RelayedUnderTheGatewaysIdAndAnsweredUnderTheClients(CancellationToken cancellationToken)
    {
        const string Discover = """{"jsonrpc":"2.0","id":"probe-1","method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}}}""";
        using var request = FrontDoorRig.Post(Url, Discover, _token);
        request.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        request.Headers.Add("Mcp-Method", "server/discover");
        using var mismatch = FrontDoorRig.Post(Url, """{"jsonrpc":"2.0","id":"call-1","method":"tools/call","params":{"name":"delete_everything"}}""", _token);
        mismatch.Headers.Add("MCP-Protocol-Version", "2026-07-28");
        mismatch.Headers.Add("Mcp-Method", "tools/call");
        mismatch.Headers.Add("Mcp-Name", "echo");

        using var discovered = await _rig.Http.SendAsync(request, cancellationToken);
        var answer = JsonNode.Parse(await discovered.Content.ReadAsStringAsync(cancellationToken))!;
        using var refused = await _rig.Http.SendAsync(mismatch, cancellationToken);
        var refusal = JsonNode.Parse(await refused.Content.ReadAsStringAsync(cancellationToken))!;
        var relayed = _spy.Connections.SelectMany(c => c.Lines).Where(l => l.Method is "server/discover" or "tools/call").ToList();

        Assert.Multiple(() =>
        {
            Assert.That(discovered.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(discovered.Headers.Contains("Mcp-Session-Id"), Is.False, "stateless: no session id");
            Assert.That((string?)answer["id"], Is.EqualTo("probe-1"));
            Assert.That((string?)answer["result"]?["echo"], Is.EqualTo("server/discover"));
            Assert.That(relayed.Select(l => l.Method), Is.EqualTo(new[] { "server/discover" }), "the mismatched call reached no upstream");
            Assert.That(relayed[0].RawId, Does.Match("^[0-9]+$"), "renumbered for the shared session");
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((int?)refusal["error"]?["code"], Is.EqualTo(-32020));
        });
    }

    private async Task DeleteAsync(HttpResponseMessage initialized, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, Url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        request.Headers.Add("Mcp-Session-Id", initialized.Headers.GetValues("Mcp-Session-Id").Single());
        using var _ = await _rig.Http.SendAsync(request, cancellationToken);
    }

    private static string Parameter(string parameters, string name)
    {
        var start = parameters.IndexOf(name + "=\"", StringComparison.Ordinal) + name.Length + 2;
        return parameters[start..parameters.IndexOf('"', start)];
    }
}
