using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using McpGateway.Inspectors.Approval;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Tests.EndToEnd.Approval;

/// <summary>
/// A gateway with OIDC against the real oidc-provider, an admin listener on a free port, and the npm server-filesystem
/// behind it, for the approvers' admin API and CLI. Rule <c>writes</c> holds <c>write_file</c> for one approval from
/// <c>mcp-admins</c> (agent-admin; grants up to ten minutes); rule <c>mkdir-two</c> holds <c>create_directory</c> for two
/// from <c>mcp-users</c> (agent-alice and agent-admin). agent-nogroups may call tools but approve nothing. The webhook
/// points at a port nobody listens on: every notice fails, and must hold up nothing.
/// </summary>
internal sealed class ApproverRig : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private readonly DirectoryInfo _directory;

    private ApproverRig(DirectoryInfo directory, OidcProvider provider, GatewayHarness gateway)
    {
        _directory = directory;
        Provider = provider;
        Gateway = gateway;
    }

    public OidcProvider Provider { get; }

    public GatewayHarness Gateway { get; }

    public string Files => Path.Combine(_directory.FullName, "files");

    public string ConfigPath => Path.Combine(_directory.FullName, "gateway.json");

    public string Directory => _directory.FullName;

    public string AdminUrl => $"http://{Gateway.Application.AdminEndpoint}";

    public IApprovalDesk Desk => Gateway.Application.Services.GetRequiredService<IApprovalDesk>();

    /// <summary>Starts the provider and the gateway, giving up after a minute.</summary>
    /// <param name="approvals">The <c>approvals</c> section; by default the embedded store, and a webhook that nobody serves.</param>
    public static async Task<ApproverRig> StartAsync(string? approvals = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var cancellationToken = timeout.Token;
        var directory = System.IO.Directory.CreateTempSubdirectory("mcpgw-approvers-");
        var files = System.IO.Directory.CreateDirectory(Path.Combine(directory.FullName, "files")).FullName;
        var provider = await OidcProvider.StartAsync(cancellationToken);
        var path = Path.Combine(directory.FullName, "gateway.json");
        await File.WriteAllTextAsync(path, $$"""
            {
              "listen": "127.0.0.1:0",
              "allowPlaintext": true,
              "auth": { "mode": "oidc", "issuer": "{{provider.Issuer}}", "audience": "{{OidcProvider.Audience}}", "requireHttpsMetadata": false },
              "admin": { "listen": "127.0.0.1:{{OidcProvider.FreePort()}}" },
              "limits": { "idleTimeout": "1.00:00:00" },
              "shutdownTimeout": "00:00:02",
              "connections": {
                "files": { "transport": "stdio", "command": "node", "args": [ {{JsonValue.Create(RepoPaths.ServerFilesystemJs).ToJsonString()}}, {{JsonValue.Create(files).ToJsonString()}} ] }
              },
              "policy": {
                "default": "allow",
                "rules": [
                  { "id": "writes", "action": "approve", "approverGroups": [ "mcp-admins" ], "maxGrant": "00:10:00", "match": { "tools": [ "write_file" ] } },
                  { "id": "mkdir-two", "action": "approve", "approverGroups": [ "mcp-users" ], "requiredApprovals": 2, "match": { "tools": [ "create_directory" ] } }
                ]
              },
              "masking": { "defaultProfile": "default" },
              "approvals": {{approvals ?? $$"""{ "webhook": { "url": "http://127.0.0.1:{{OidcProvider.FreePort()}}/hook", "retries": 1, "timeout": "00:00:02" } }"""}}
            }
            """, cancellationToken);
        var gateway = await GatewayHarness.StartAsync(GatewayConfiguration.LoadFile(path), cancellationToken);
        return new ApproverRig(directory, provider, gateway);
    }

    /// <summary>A client of <paramref name="subject"/> that authenticated to <c>files</c> and initialized, and its session id.</summary>
    public async Task<(RawMcpClient Client, string SessionId)> ConnectAsync(string subject, CancellationToken cancellationToken) =>
        await ApprovalRig.ConnectAsync(Gateway.Endpoint, await Provider.GetTokenAsync(subject, cancellationToken), cancellationToken);

    /// <summary>The arguments of a <c>write_file</c> call.</summary>
    public static JsonObject Write(string path, string content) => new() { ["path"] = path, ["content"] = content };

    /// <summary>
    /// Connects as <paramref name="subject"/> and sends <c>tools/call</c> <paramref name="tool"/> with id <paramref
    /// name="rpcId"/>; returns the client (the caller disposes it) and the id of the approval request the call became.
    /// </summary>
    public async Task<(RawMcpClient Client, string Id)> HoldAsync(string subject, string rpcId, string tool, JsonObject arguments, CancellationToken cancellationToken)
    {
        var (client, sessionId) = await ConnectAsync(subject, cancellationToken);
        await client.SendAsync(new JsonObject
        {
            ["jsonrpc"] = "2.0", ["id"] = rpcId, ["method"] = "tools/call",
            ["params"] = new JsonObject { ["name"] = tool, ["arguments"] = arguments },
        }, cancellationToken);
        return (client, (await ApprovalRig.WaitForPendingAsync(Desk, sessionId, tool, cancellationToken)).Id);
    }

    /// <summary>An admin API request as <paramref name="subject"/> (no token when null); the status and the body as JSON.</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? subject, string? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(AdminUrl + path));
        if (subject is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await Provider.GetTokenAsync(subject, cancellationToken));
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await Http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>A file holding a fresh token of <paramref name="subject"/>, as an approver would keep one for <c>--token-file</c>.</summary>
    public async Task<string> TokenFileAsync(string subject, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_directory.FullName, $"{subject}-{Guid.NewGuid():N}.token");
        await File.WriteAllTextAsync(path, await Provider.GetTokenAsync(subject, cancellationToken) + "\n", cancellationToken);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Provider.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }
}
