using McpGateway.Inspectors;
using System.Net;
using System.Web;
using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.WebConsole;

/// <summary>
/// The console's HTTP edges without a browser, on a gateway behind an https <c>admin.publicUrl</c>: the sign-in sends
/// people back to the public URL, a live view without a sign-in is 401 (an EventSource cannot follow a sign-in), a
/// notice's link opens the console in a browser while API clients still get the API.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class ConsoleHttpTests
{
    private const string PublicUrl = "https://mcpgw-admin.example.com/gw";

    private static readonly HttpClient Http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(30) };

    private OidcProvider _provider = null!;
    private GatewayHarness _gateway = null!;
    private string _directory = null!;

    private string AdminUrl => $"http://{_gateway.Application.AdminEndpoint}";

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        _directory = Directory.CreateTempSubdirectory("mcpgw-console-http-").FullName;
        _provider = await OidcProvider.StartAsync(timeout.Token, new OidcProviderOptions { ConsoleClients = $$"""[ { "client_id": "mcp-console", "client_secret": "s", "redirect_uris": [ "{{PublicUrl}}/console/signin-oidc" ] } ]""" });
        var path = Path.Combine(_directory, "gateway.json");
        await File.WriteAllTextAsync(path, $$"""
            {
              "listen": "127.0.0.1:0",
              "allowPlaintext": true,
              "auth": { "mode": "oidc", "issuer": "{{_provider.Issuer}}", "audience": "{{OidcProvider.Audience}}", "requireHttpsMetadata": false },
              "admin": { "listen": "127.0.0.1:{{OidcProvider.FreePort()}}", "publicUrl": "{{PublicUrl}}", "console": { "clientId": "mcp-console", "clientSecret": "s" } },
              "connections": { "tcp": { "transport": "tcp", "host": "127.0.0.1", "port": 9 } },
              "policy": { "default": "allow", "rules": [ { "id": "writes", "action": "approve", "approverGroups": [ "mcp-admins" ], "match": { "tools": [ "write_file" ] } } ] },
              "approvals": { "path": "approvals.db" }
            }
            """, timeout.Token);
        _gateway = await GatewayHarness.StartAsync(GatewayConfiguration.LoadFile(path), timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        await _provider.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task SignIn_BehindHttpsPublicUrl_IssuerAcceptsThePublicCallback(CancellationToken cancellationToken)
    {
        // The client is registered with the public callback only: the provider takes the pushed authorization request
        // (PAR, which carries redirect_uri, PKCE and the rest) only if it names that URI.
        using var response = await Http.GetAsync(new Uri(AdminUrl + "/console/approvals"), cancellationToken);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await response.Content.ReadAsStringAsync(cancellationToken));

        var location = response.Headers.Location!;
        var query = HttpUtility.ParseQueryString(location.Query);
        Assert.Multiple(() =>
        {
            Assert.That(location.GetLeftPart(UriPartial.Path), Is.EqualTo(_provider.Issuer + "/auth"));
            Assert.That(query["client_id"], Is.EqualTo("mcp-console"));
            Assert.That(query["request_uri"], Does.StartWith("urn:"), "the request was pushed and accepted");
            Assert.That(response.Headers.GetValues("Set-Cookie"), Has.All.Contains("secure").IgnoreCase, "behind an https public URL every cookie is Secure");
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task SignIn_IssuerUnreachable_502SayingSoNotABare500(CancellationToken cancellationToken)
    {
        await _provider.StopAsync();
        try
        {
            using var response = await Http.GetAsync(new Uri(AdminUrl + "/console/audit"), cancellationToken);

            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadGateway));
            Assert.That(await response.Content.ReadAsStringAsync(cancellationToken), Does.Contain("identity provider"));
        }
        finally
        {
            await _provider.RestartAsync(cancellationToken);
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task LiveView_NotSignedIn_401NotARedirect(CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync(new Uri(AdminUrl + "/console/live/approvals"), cancellationToken);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task NoticeLink_BrowserOpensTheConsolePage_ApiClientStillGetsTheApi(CancellationToken cancellationToken)
    {
        using var browser = new HttpRequestMessage(HttpMethod.Get, new Uri(AdminUrl + "/approvals/0123456789abcdef"));
        browser.Headers.Accept.ParseAdd("text/html,application/xhtml+xml");
        using var api = new HttpRequestMessage(HttpMethod.Get, new Uri(AdminUrl + "/approvals/0123456789abcdef"));
        api.Headers.Accept.ParseAdd("application/json");

        using var page = await Http.SendAsync(browser, cancellationToken);
        using var json = await Http.SendAsync(api, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That((page.StatusCode, page.Headers.Location?.OriginalString), Is.EqualTo((HttpStatusCode.Redirect, "/console/approvals/0123456789abcdef")));
            Assert.That(json.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the API without a token, as before");
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task ConsolePage_AnyResponse_StrictSecurityHeaders(CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync(new Uri(AdminUrl + "/console/signed-out"), cancellationToken);
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(policy, Does.Contain("default-src 'none'").And.Contain("script-src 'self'").And.Contain("form-action 'self' " + new Uri(_provider.Issuer).GetLeftPart(UriPartial.Authority)));
            Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
            Assert.That(response.Headers.GetValues("X-Frame-Options"), Is.EqualTo(new[] { "DENY" }));
        });
    }
}
