using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors.Recording;
using McpGateway.Tests.EndToEnd.Hostile;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace McpGateway.Tests.EndToEnd.Recording;

/// <summary>
/// <c>GET /audit/records</c> on the admin listener of a real gateway with OIDC against a real provider: the filters of
/// <c>mcpgw audit query</c>, paging, JSON array or lines, and only for members of <c>audit.auditorGroups</c>.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class AuditAdminApiTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private OidcProvider _provider = null!;
    private SpyUpstream _spy = null!;
    private GatewayHarness _gateway = null!;
    private string _directory = null!;
    private string _adminToken = null!;
    private DateTimeOffset _started;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        _directory = Directory.CreateTempSubdirectory("mcpgw-audit-api-").FullName;
        _provider = await OidcProvider.StartAsync(timeout.Token);
        _spy = SpyUpstream.Start(SpyBehavior.Echo);
        var settings = GatewayHarness.Settings(GatewayHarness.Tcp("spy", _spy.Port)) with
        {
            AuthMode = AuthMode.Oidc,
            Oidc = _provider.Settings(),
            AdminEndpoint = new IPEndPoint(IPAddress.Loopback, 0),
            Audit = new AuditSettings(Path.Combine(_directory, "audit.db"), AuditSettings.DefaultQueueCapacity, TimeSpan.FromSeconds(1))
            {
                AuditorGroups = ["mcp-admins"],
            },
        };
        _gateway = await GatewayHarness.StartAsync(settings, timeout.Token);
        _started = DateTimeOffset.UtcNow.AddSeconds(-1);
        _adminToken = await _provider.GetTokenAsync(OidcProvider.Admin, timeout.Token);
        foreach (var (subject, tools) in new[] { (OidcProvider.Alice, new[] { "query", "rm", "query" }), (OidcProvider.Admin, new[] { "query" }) })
        {
            await using var client = await RawMcpClient.ConnectAsync(_gateway.Endpoint, timeout.Token);
            var authenticated = await client.AuthenticateAsync("spy", timeout.Token, await _provider.GetTokenAsync(subject, timeout.Token));
            Assert.That(authenticated["result"], Is.Not.Null, authenticated.ToJsonString());
            await client.InitializeAsync(timeout.Token);
            for (var i = 0; i < tools.Length; i++)
            {
                var response = await client.RequestAsync(i, "tools/call", new JsonObject { ["name"] = tools[i], ["arguments"] = new JsonObject() }, timeout.Token);
                Assert.That(response["result"], Is.Not.Null, response.ToJsonString());
            }
        }
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        await _spy.DisposeAsync();
        await _provider.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<(HttpStatusCode Status, HttpResponseMessage Response, string Body)> GetAsync(string query, string? token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{_gateway.Application.AdminEndpoint}{AuditAdminRoutes.Path}{query}")));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var response = await Http.SendAsync(request, cancellationToken);
        return (response.StatusCode, response, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Records_AuditorFiltersBySubjectToolVerdictAndTime_JsonArrayOfTheMatchingFramesOnly(CancellationToken cancellationToken)
    {
        var since = Uri.EscapeDataString(_started.ToString("O", CultureInfo.InvariantCulture));
        var until = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("O", CultureInfo.InvariantCulture));

        var (status, response, body) = await GetAsync($"?subject={OidcProvider.Alice}&tool=query&verdict=forwarded&connection=spy&since={since}&until={until}", _adminToken, cancellationToken);
        var records = JsonNode.Parse(body)!.AsArray();
        var empty = await GetAsync($"?subject={OidcProvider.Alice}&tool=query&until={Uri.EscapeDataString(_started.ToString("O", CultureInfo.InvariantCulture))}", _adminToken, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
            Assert.That(records.Select(r => ((string?)r!["direction"], (string?)r["id"])), Is.EquivalentTo(new[]
            {
                ("client_to_upstream", "0"), ("upstream_to_client", "0"), ("client_to_upstream", "2"), ("upstream_to_client", "2"),
            }));
            Assert.That(records.Select(r => ((string?)r!["subject"], (string?)r["tool"], (string?)r["verdict"])), Has.All.EqualTo((OidcProvider.Alice, "query", "forwarded")));
            Assert.That(records[0]!["payload"]?["params"]?["name"]?.GetValue<string>(), Is.EqualTo("query"), "the masked frame as JSON");
            Assert.That(response.Headers.Contains(AuditAdminRoutes.NextAfterHeader), Is.False, "one page holds them all");
            Assert.That(JsonNode.Parse(empty.Body)!.AsArray(), Is.Empty);
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Records_GroupWithLimitTwo_JsonLinesPagesFollowTheCursorToTheSameRecords(CancellationToken cancellationToken)
    {
        var (_, _, whole) = await GetAsync("?group=engineering&format=jsonl", _adminToken, cancellationToken);
        var expected = whole.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var pages = new List<string>();
        string? after = null;
        for (var page = 0; page < 20; page++)
        {
            var (status, response, body) = await GetAsync($"?group=engineering&format=jsonl&limit=2{(after is null ? "" : "&after=" + after)}", _adminToken, cancellationToken);
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/x-ndjson"));
            var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(lines, Has.Length.LessThanOrEqualTo(2));
            pages.AddRange(lines);
            if (!response.Headers.TryGetValues(AuditAdminRoutes.NextAfterHeader, out var next))
            {
                break;
            }

            after = next.Single();
        }

        Assert.Multiple(() =>
        {
            Assert.That(pages, Is.EqualTo(expected));
            Assert.That(expected.Select(l => (string?)JsonNode.Parse(l)!["subject"]).Distinct(), Is.EqualTo(new[] { OidcProvider.Alice }), "only the sessions of identities in the group");
            Assert.That(expected.Select(l => (string?)JsonNode.Parse(l)!["kind"]), Does.Contain("session_start").And.Contain("frame"));
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Records_NoTokenOrNotAnAuditor_401Then403AndNoRecords(CancellationToken cancellationToken)
    {
        var anonymous = await GetAsync("", null, cancellationToken);
        var alice = await GetAsync("", await _provider.GetTokenAsync(OidcProvider.Alice, cancellationToken), cancellationToken);
        var forged = await GetAsync("", _adminToken[..^4] + "AAAA", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(anonymous.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(anonymous.Response.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer"));
            Assert.That(alice.Status, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(forged.Status, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(new[] { anonymous.Body, alice.Body, forged.Body }, Has.None.Contains("session"));
        });
    }

    [TestCase("?since=yesterday")]
    [TestCase("?limit=0")]
    [TestCase("?limit=10001")]
    [TestCase("?after=-3")]
    [TestCase("?subjekt=agent-alice")]
    [TestCase("?tool=a&tool=b")]
    [TestCase("?format=xml")]
    [CancelAfter(20000)]
    public async Task Records_BadQuery_400WithoutEchoingIt(string query, CancellationToken cancellationToken)
    {
        var (status, _, body) = await GetAsync(query, _adminToken, cancellationToken);

        Assert.That((status, body), Is.EqualTo((HttpStatusCode.BadRequest, "{\"error\":\"invalid_query\"}")));
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Records_AuditorReads_LeavesAnAuditReadRecordNamingTheCallerAndRangeBeforeAnswering(CancellationToken cancellationToken)
    {
        var (status, _, body) = await GetAsync($"?subject={OidcProvider.Alice}&tool=rm&format=jsonl", _adminToken, cancellationToken);
        var page = body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => (long)JsonNode.Parse(l)!["seq"]!).ToList();

        McpGateway.Core.Recording.AuditRecord? read = null;
        await using (var connection = new SqliteConnection(SqliteAuditStore.ConnectionString(Path.Combine(_directory, "audit.db"), SqliteOpenMode.ReadOnly)))
        {
            await connection.OpenAsync(cancellationToken);
            await foreach (var stored in SqliteAuditStore.ReadAllAsync(connection, 1, cancellationToken))
            {
                if (stored.Record.Kind == McpGateway.Core.Recording.AuditEventKind.AuditRead && stored.Record.Reason!.StartsWith($"subject={OidcProvider.Alice} tool=rm ", StringComparison.Ordinal))
                {
                    read = stored.Record;
                }
            }
        }

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(page, Has.Count.EqualTo(2), "the call and its answer");
        Assert.That(read, Is.Not.Null, "the read left a record");
        Assert.Multiple(() =>
        {
            Assert.That(read!.Subject, Is.EqualTo(OidcProvider.Admin));
            Assert.That(read.Connection, Is.EqualTo("admin_api"));
            Assert.That(read.RemoteAddress, Is.EqualTo("127.0.0.1"));
            Assert.That(read.Method, Is.EqualTo("GET " + AuditAdminRoutes.Path));
            Assert.That(read.TokenHash, Is.Not.Null.And.Not.EqualTo(_adminToken));
            Assert.That(read.Reason, Is.EqualTo($"subject={OidcProvider.Alice} tool=rm limit={AuditAdminRoutes.DefaultLimit}: {page.Count} records, records {page[0]}-{page[^1]}"));
        });
        using var verify = new StringWriter();
        Assert.That(await McpGateway.Host.Commands.AuditCommand.RunAsync(["verify", "--store", Path.Combine(_directory, "audit.db")], verify, verify, cancellationToken), Is.Zero, verify.ToString());
    }
}
