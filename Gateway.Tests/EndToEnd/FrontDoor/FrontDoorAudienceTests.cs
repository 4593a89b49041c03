using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.FrontDoor;

/// <summary>
/// Which token audiences the front door accepts, with a real OpenID provider that honours RFC 8707: the one configured
/// audience (what Okta issues whatever the client asks) on every connection, and a connection's own resource URL (what
/// a client following RFC 9728 asks for) on that connection only, without listing each URL in <c>auth.audience</c>. A
/// token for another connection's URL, or for another service, is refused with <c>wrong_audience</c>.
/// </summary>
[TestFixture]
internal sealed class FrontDoorAudienceTests
{
    private const string First = "everything";
    private const string Second = "second";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private OidcProvider _provider = null!;
    private GatewayHarness _gateway = null!;
    private int _port;
    private int _otherPort;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        _port = OidcProvider.FreePort();
        _otherPort = OidcProvider.FreePort();
        _provider = await OidcProvider.StartAsync(timeout.Token, new OidcProviderOptions
        {
            IssuerPath = "/oauth2/default",
            OktaStyle = true,

            // The provider knows each connection's URL as a resource; the gateway is told none of them.
            // Two other services on the gateway's own host name, at other ports, with a connection of the same name.
            ExtraAudiences = string.Join(',', Url(First), Url(Second), OidcProvider.OtherAudience, OtherServiceUrl(), "http://localhost/mcp/" + First),
        });
        var settings = GatewayHarness.Settings(GatewayHarness.Everything(First), GatewayHarness.Everything(Second)) with
        {
            AuthMode = AuthMode.Oidc,
            Oidc = _provider.Settings() with { Audiences = [OidcProvider.Audience] },
            FrontDoor = new FrontDoorSettings { Endpoint = new IPEndPoint(IPAddress.Loopback, _port), Scopes = ["mcp:tools"] },
        };
        _gateway = await GatewayHarness.StartAsync(settings, timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Initialize_TokenForTheConfiguredAudience_AcceptedOnEveryConnection(CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken);

        var first = await InitializeAsync(First, token, cancellationToken);
        var second = await InitializeAsync(Second, token, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(first.Status, Is.EqualTo(HttpStatusCode.OK), first.Body);
            Assert.That(second.Status, Is.EqualTo(HttpStatusCode.OK), second.Body);
        });
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Initialize_TokenForThisConnectionsUrl_AcceptedAndCallsTools(CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken, resource: Url(First));

        var started = await InitializeAsync(First, token, cancellationToken);
        var listed = await PostAsync(First, """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", token, started.SessionId, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(started.Status, Is.EqualTo(HttpStatusCode.OK), started.Body);
            Assert.That(listed.Status, Is.EqualTo(HttpStatusCode.OK), listed.Body);
            Assert.That(listed.Body, Does.Contain("\"echo\""));
        });
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Renew_SessionOpenedWithAUrlToken_AnotherTokenForTheSameUrlRenewsIt(CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken, resource: Url(First));
        var started = await InitializeAsync(First, token, cancellationToken);
        var renewal = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken, resource: Url(First));

        var listed = await PostAsync(First, """{"jsonrpc":"2.0","id":3,"method":"tools/list"}""", renewal, started.SessionId, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(renewal, Is.Not.EqualTo(token));
            Assert.That(listed.Status, Is.EqualTo(HttpStatusCode.OK), listed.Body);
            Assert.That(listed.Body, Does.Contain("\"echo\""));
        });
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Initialize_TokenForAnotherConnectionsUrl_Refused401WrongAudience(CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken, resource: Url(Second));

        var refused = await InitializeAsync(First, token, cancellationToken);
        var accepted = await InitializeAsync(Second, token, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(refused.Status, Is.EqualTo(HttpStatusCode.Unauthorized), refused.Body);
            Assert.That(refused.Challenge, Does.Contain("error=\"invalid_token\"").And.Contain("wrong_audience"));
            Assert.That(refused.SessionId, Is.Null);
            Assert.That(accepted.Status, Is.EqualTo(HttpStatusCode.OK), "the same token holds at its own connection: " + accepted.Body);
        });
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Initialize_TokenForAnotherService_Refused401WrongAudience(CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken, resource: OidcProvider.OtherAudience);

        var refused = await InitializeAsync(First, token, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(refused.Status, Is.EqualTo(HttpStatusCode.Unauthorized), refused.Body);
            Assert.That(refused.Challenge, Does.Contain("wrong_audience"));
        });
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Initialize_TokenForAnotherPortOnThisHostNamedInHost_Refused401WrongAudience(CancellationToken cancellationToken)
    {
        // A token another service on this host issued its clients (its own URL as audience); the attacker names that
        // service's port in Host, which the DNS rebinding check does not compare.
        var token = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken, resource: OtherServiceUrl());

        var refused = await InitializeAsync(First, token, cancellationToken, host: "127.0.0.1:" + _otherPort.ToString(CultureInfo.InvariantCulture));

        Assert.Multiple(() =>
        {
            Assert.That(refused.Status, Is.EqualTo(HttpStatusCode.Unauthorized), refused.Body);
            Assert.That(refused.Challenge, Does.Contain("wrong_audience"));
            Assert.That(refused.SessionId, Is.Null);
        });
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Initialize_TokenForPort80OnLocalhostNamedInHostWithoutPort_Refused401WrongAudience(CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken, resource: "http://localhost/mcp/" + First);

        var refused = await InitializeAsync(First, token, cancellationToken, host: "localhost");

        Assert.Multiple(() =>
        {
            Assert.That(refused.Status, Is.EqualTo(HttpStatusCode.Unauthorized), refused.Body);
            Assert.That(refused.Challenge, Does.Contain("wrong_audience"));
        });
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Authenticate_OverTcpWithATokenAcceptedAtAFrontDoorUrl_RefusedWrongAudience(CancellationToken cancellationToken)
    {
        var token = await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken, resource: Url(First));

        // Accepted at its URL first, so the gateway remembers it: that must not make it good elsewhere.
        var atItsUrl = await InitializeAsync(First, token, cancellationToken);
        await using var client = await RawMcpClient.ConnectAsync(_gateway.Endpoint, cancellationToken);
        var answer = await client.AuthenticateAsync(First, cancellationToken, token);

        Assert.Multiple(() =>
        {
            Assert.That(atItsUrl.Status, Is.EqualTo(HttpStatusCode.OK), atItsUrl.Body);
            Assert.That(answer["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-31001), answer.ToJsonString());
            Assert.That(answer["error"]?["data"]?["reason"]?.GetValue<string>(), Is.EqualTo("wrong_audience"), answer.ToJsonString());
        });
    }

    [Test]
    [CancelAfter(60000)]
    public async Task TypeScriptSdk_OnlyClientCredentials_GetsATokenForTheConnectionUrlAndCallsTools(CancellationToken cancellationToken)
    {
        // The SDK reads the resource from the metadata and asks the provider for exactly that URL (RFC 8707).
        await using var client = ChildProcess.Start(
            "node",
            [
                Path.Combine(RepoPaths.Peers, "ts-http-client.mjs"),
                "--url", Url(Second),
                "--client-id", OidcProvider.Alice,
                "--client-secret", "alice-secret",
                "--issuer", _provider.Issuer,
                "--scenario", "basic",
                "--timeout-ms", "30000",
            ],
            workingDirectory: RepoPaths.Peers);
        await client.WaitForExitAsync(cancellationToken);

        Assert.That(client.ExitCode, Is.Zero, client.Describe());
        var echo = client.OutputLines.Select(line => JsonNode.Parse(line)!.AsObject()).Single(l => (string?)l["step"] == "tools/call echo");
        Assert.That((string?)echo["result"]?["content"]?[0]?["text"], Is.EqualTo("Echo: hello over http"));
    }

    private string Url(string connection) => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_port}/mcp/{connection}");

    private string OtherServiceUrl() => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_otherPort}/mcp/{First}");

    private Task<Answer> InitializeAsync(string connection, string token, CancellationToken cancellationToken, string? host = null) =>
        PostAsync(connection, FrontDoorRig.Initialize(), token, null, cancellationToken, host);

    private async Task<Answer> PostAsync(string connection, string body, string token, string? sessionId, CancellationToken cancellationToken, string? host = null)
    {
        using var request = FrontDoorRig.Post(new Uri(Url(connection)), body, token, sessionId);
        request.Headers.Host = host;
        using var response = await Http.SendAsync(request, cancellationToken);
        return new Answer(
            response.StatusCode,
            await response.Content.ReadAsStringAsync(cancellationToken),
            response.Headers.TryGetValues("Mcp-Session-Id", out var ids) ? ids.Single() : null,
            response.Headers.WwwAuthenticate.ToString());
    }

    private sealed record Answer(HttpStatusCode Status, string Body, string? SessionId, string Challenge);
}
