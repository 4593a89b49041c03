using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using McpGateway.Host.Approvals;
using McpGateway.Host.Commands;
using McpGateway.Inspectors.Approval;
using McpGateway.Tests.EndToEnd.Approval;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Tests.EndToEnd.External;

/// <summary>
/// A call held by an out-of-process inspector is decided by the inspector's own approver groups through the real admin
/// API and <c>mcpgw approvals</c>, with tokens from the real oidc-provider. No policy rule names any approver group, so
/// only the inspector's <c>approval</c> (<c>mcp-admins</c>: agent-admin) can admit anyone; agent-alice (<c>mcp-users</c>)
/// and agent-nogroups are outside it.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class ExternalInspectorApproverTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private OidcProvider _provider = null!;
    private ExternalInspectorRig _rig = null!;

    private IApprovalDesk Desk => _rig.Gateway.Application.Services.GetRequiredService<IApprovalDesk>();

    private string AdminUrl => string.Create(CultureInfo.InvariantCulture, $"http://{_rig.Gateway.Application.AdminEndpoint}");

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        _provider = await OidcProvider.StartAsync(timeout.Token);
        var inspector = ExternalInspectorRig.Scripted(new JsonObject
        {
            ["approval"] = new JsonObject { ["approverGroups"] = new JsonArray("mcp-admins"), ["timeout"] = "00:01:00" },
        });
        _rig = await ExternalInspectorRig.StartAsync(inspector, timeout.Token, new JsonObject
        {
            ["allowPlaintext"] = true,
            ["auth"] = new JsonObject
            {
                ["mode"] = "oidc", ["issuer"] = _provider.Issuer, ["audience"] = OidcProvider.Audience, ["requireHttpsMetadata"] = false,
            },
            ["admin"] = new JsonObject { ["listen"] = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{OidcProvider.FreePort()}") },
            ["approvals"] = new JsonObject { ["path"] = "approvals.db" },
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_rig is not null)
        {
            await _rig.DisposeAsync();
        }

        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Approve_InspectorsApproverThroughAdminApi_HeldCallCompletes(CancellationToken cancellationToken)
    {
        var (client, id) = await HoldAsync(OidcProvider.Alice, "api", cancellationToken);
        await using var _ = client;

        var list = await SendAsync(HttpMethod.Get, "/approvals?state=pending", OidcProvider.Admin, null, cancellationToken);
        var show = await SendAsync(HttpMethod.Get, $"/approvals/{id}", OidcProvider.Admin, null, cancellationToken);
        var approve = await SendAsync(HttpMethod.Post, $"/approvals/{id}/approve", OidcProvider.Admin, """{"reason":"fine"}""", cancellationToken);
        var answered = await client.ReadResponseAsync("api", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(list.Status, Is.EqualTo(HttpStatusCode.OK), list.Body?.ToJsonString());
            Assert.That(list.Body?.AsArray().Select(v => (string?)v!["id"]), Does.Contain(id));
            Assert.That((show.Status, (string?)show.Body?["rule"], (string?)show.Body?["subject"]), Is.EqualTo((HttpStatusCode.OK, ExternalInspectorRig.Name, OidcProvider.Alice)));
            Assert.That((approve.Status, (string?)approve.Body?["result"]), Is.EqualTo((HttpStatusCode.OK, "decided")), approve.Body?.ToJsonString());
            Assert.That(ExternalInspectorRig.Text(answered), Is.EqualTo("Echo: hold"), answered.ToJsonString());
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Approve_OutsideTheInspectorsGroups_RefusedAndCallStaysHeld(CancellationToken cancellationToken)
    {
        var (client, id) = await HoldAsync(OidcProvider.NoGroups, "outside", cancellationToken);
        await using var _ = client;

        var alice = await SendAsync(HttpMethod.Post, $"/approvals/{id}/approve", OidcProvider.Alice, null, cancellationToken);
        var aliceList = await SendAsync(HttpMethod.Get, "/approvals", OidcProvider.Alice, null, cancellationToken);
        var nobody = await SendAsync(HttpMethod.Post, $"/approvals/{id}/approve", OidcProvider.NoGroups, null, cancellationToken);
        var view = await Desk.GetAsync(id, cancellationToken);
        var deny = await SendAsync(HttpMethod.Post, $"/approvals/{id}/deny", OidcProvider.Admin, """{"reason":"not today"}""", cancellationToken);
        var answered = await client.ReadResponseAsync("outside", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That((alice.Status, (string?)alice.Body?["error"]), Is.EqualTo((HttpStatusCode.Forbidden, "forbidden")));
            Assert.That((aliceList.Status, (string?)aliceList.Body?["error"]), Is.EqualTo((HttpStatusCode.Forbidden, "forbidden")));
            Assert.That((nobody.Status, (string?)nobody.Body?["error"]), Is.EqualTo((HttpStatusCode.Forbidden, "forbidden")));
            Assert.That((view?.State, view?.Votes.Count), Is.EqualTo(((ApprovalState?)ApprovalState.Pending, (int?)0)), "a refused vote counts for nothing");
            Assert.That((deny.Status, (string?)deny.Body?["result"]), Is.EqualTo((HttpStatusCode.OK, "decided")));
            Assert.That((ExternalInspectorRig.Code(answered), ExternalInspectorRig.Rule(answered)), Is.EqualTo(((int?)-31004, ExternalInspectorRig.Name)));
        });
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task ApprovalsCli_InspectorsApprover_ApprovesAndCallCompletes(CancellationToken cancellationToken)
    {
        var (client, id) = await HoldAsync(OidcProvider.Alice, "cli", cancellationToken);
        await using var _ = client;

        var outsider = await RunCliAsync(["approve", id, .. await AsAsync(OidcProvider.Alice, cancellationToken)], cancellationToken);
        var approve = await RunCliAsync(["approve", id, "--reason", "via the CLI", .. await AsAsync(OidcProvider.Admin, cancellationToken)], cancellationToken);
        var answered = await client.ReadResponseAsync("cli", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(outsider.Exit, Is.Not.EqualTo(ApprovalsExitCodes.Ok), outsider.Output);
            Assert.That(approve.Exit, Is.EqualTo(ApprovalsExitCodes.Ok), approve.Error);
            Assert.That(ExternalInspectorRig.Text(answered), Is.EqualTo("Echo: hold"), answered.ToJsonString());
        });
    }

    /// <summary>Connects as <paramref name="subject"/> and sends an echo the scripted inspector holds; the client and the request's id.</summary>
    private async Task<(RawMcpClient Client, string Id)> HoldAsync(string subject, string rpcId, CancellationToken cancellationToken)
    {
        var client = await RawMcpClient.ConnectAsync(_rig.Gateway.Endpoint, cancellationToken);
        try
        {
            var authenticated = await client.AuthenticateAsync(ExternalInspectorRig.Connection, cancellationToken, await _provider.GetTokenAsync(subject, cancellationToken));
            var sessionId = (string?)authenticated["result"]?["sessionId"] ?? throw new InvalidOperationException(authenticated.ToJsonString());
            await client.InitializeAsync(cancellationToken);
            await client.SendAsync(new JsonObject { ["jsonrpc"] = "2.0", ["id"] = rpcId, ["method"] = "tools/call", ["params"] = ExternalInspectorRig.Echo("hold") }, cancellationToken);
            return (client, (await ApprovalRig.WaitForPendingAsync(Desk, sessionId, "echo", cancellationToken)).Id);
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string subject, string? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(AdminUrl + path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await _provider.GetTokenAsync(subject, cancellationToken));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await Http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private async Task<string[]> AsAsync(string subject, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_rig.Directory, $"{subject}-{Guid.NewGuid():N}.token");
        await File.WriteAllTextAsync(path, await _provider.GetTokenAsync(subject, cancellationToken) + "\n", cancellationToken);
        return ["--admin", AdminUrl, "--token-file", path];
    }

    private static async Task<(int Exit, string Output, string Error)> RunCliAsync(string[] args, CancellationToken cancellationToken)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await ApprovalsCommand.RunAsync(args, output, error, cancellationToken);
        return (exit, output.ToString(), error.ToString());
    }
}
