using McpGateway.Inspectors;
using System.Text.Json.Nodes;
using McpGateway.Inspectors.Approval;
using McpGateway.Core.Configuration;
using McpGateway.Core.Recording;
using McpGateway.Tests.EndToEnd.Approval;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Tests.EndToEnd.WebConsole;

/// <summary>
/// A gateway with the web console on its admin listener, people who sign in at the real oidc-provider through its
/// login form (<see cref="Approver"/> in mcp-admins, <see cref="Auditor"/> in auditors, <see cref="Nobody"/> in no
/// group), recording with signed checkpoints, masking, and the npm server-filesystem behind it; rule <c>writes</c>
/// holds <c>write_file</c> for one approval from mcp-admins. Agents connect with client-credentials tokens.
/// </summary>
internal sealed class ConsoleRig : IAsyncDisposable
{
    public const string Approver = "ann";
    public const string Auditor = "audrey";
    public const string Nobody = "nemo";
    public const string ClientId = "mcp-console";

    private readonly DirectoryInfo _directory;

    private ConsoleRig(DirectoryInfo directory, OidcProvider provider, GatewayHarness gateway)
    {
        _directory = directory;
        Provider = provider;
        Gateway = gateway;
    }

    public OidcProvider Provider { get; }

    public GatewayHarness Gateway { get; }

    public string Files => Path.Combine(_directory.FullName, "files");

    public string AdminUrl => $"http://{Gateway.Application.AdminEndpoint}";

    public IApprovalDesk Desk => Gateway.Application.Services.GetRequiredService<IApprovalDesk>();

    public IAuditStore Audit => Gateway.Application.Services.GetRequiredService<IAuditStore>();

    public static async Task<ConsoleRig> StartAsync(CancellationToken cancellationToken)
    {
        var directory = Directory.CreateTempSubdirectory("mcpgw-console-");
        var files = Directory.CreateDirectory(Path.Combine(directory.FullName, "files")).FullName;
        var provider = await OidcProvider.StartAsync(cancellationToken, new OidcProviderOptions
        {
            People = $$"""{ "{{Approver}}": ["mcp-admins"], "{{Auditor}}": ["auditors"] }""",
            ConsoleClients = $$"""[ { "client_id": "{{ClientId}}", "client_secret": "console-secret" } ]""",
        });
        try
        {
            return new ConsoleRig(directory, provider, await StartGatewayAsync(directory.FullName, files, provider, cancellationToken));
        }
        catch
        {
            await provider.DisposeAsync();
            directory.Delete(recursive: true);
            throw;
        }
    }

    private static async Task<GatewayHarness> StartGatewayAsync(string directory, string files, OidcProvider provider, CancellationToken cancellationToken)
    {
        var (privateKey, _) = CheckpointSigner.GenerateKey();
        await File.WriteAllTextAsync(Path.Combine(directory, "audit-key.pem"), privateKey, cancellationToken);
        var path = Path.Combine(directory, "gateway.json");
        await File.WriteAllTextAsync(path, $$"""
            {
              "listen": "127.0.0.1:0",
              "allowPlaintext": true,
              "auth": { "mode": "oidc", "issuer": "{{provider.Issuer}}", "audience": "{{OidcProvider.Audience}}", "requireHttpsMetadata": false },
              "admin": {
                "listen": "127.0.0.1:{{OidcProvider.FreePort()}}",
                "console": { "clientId": "{{ClientId}}", "clientSecret": "console-secret", "scopes": [ "profile", "groups" ] }
              },
              "limits": { "idleTimeout": "1.00:00:00" },
              "shutdownTimeout": "00:00:02",
              "connections": {
                "files": { "transport": "stdio", "command": "node", "args": [ {{JsonValue.Create(RepoPaths.ServerFilesystemJs).ToJsonString()}}, {{JsonValue.Create(files).ToJsonString()}} ] }
              },
              "policy": {
                "default": "allow",
                "rules": [
                  { "id": "no-moves", "action": "block", "match": { "tools": [ "move_file" ] } },
                  { "id": "writes", "action": "approve", "approverGroups": [ "mcp-admins" ], "maxGrant": "00:10:00", "match": { "tools": [ "write_file" ] } }
                ]
              },
              "masking": { "defaultProfile": "default" },
              "audit": { "path": "audit.db", "auditorGroups": [ "auditors" ], "signingKeyFile": "audit-key.pem", "checkpointInterval": "00:00:02" },
              "approvals": { "progressInterval": "00:00:05" }
            }
            """, cancellationToken);
        return await GatewayHarness.StartAsync(GatewayConfiguration.LoadFile(path), cancellationToken);
    }

    /// <summary>An agent's client of <paramref name="subject"/> that authenticated to <c>files</c> and initialized, and its session id.</summary>
    public async Task<(RawMcpClient Client, string SessionId)> ConnectAgentAsync(string subject, CancellationToken cancellationToken) =>
        await ApprovalRig.ConnectAsync(Gateway.Endpoint, await Provider.GetTokenAsync(subject, cancellationToken), cancellationToken);

    /// <summary>Sends a <c>write_file</c> call of <paramref name="client"/> with id <paramref name="rpcId"/>, without waiting.</summary>
    public static Task SendWriteAsync(RawMcpClient client, string rpcId, string path, string content, CancellationToken cancellationToken) =>
        client.SendAsync(new JsonObject
        {
            ["jsonrpc"] = "2.0", ["id"] = rpcId, ["method"] = "tools/call",
            ["params"] = new JsonObject { ["name"] = "write_file", ["arguments"] = new JsonObject { ["path"] = path, ["content"] = content } },
        }, cancellationToken);

    /// <summary>The pending request <paramref name="sessionId"/>'s held <c>write_file</c> became.</summary>
    public async Task<string> PendingIdAsync(string sessionId, CancellationToken cancellationToken) =>
        (await ApprovalRig.WaitForPendingAsync(Desk, sessionId, "write_file", cancellationToken)).Id;

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Provider.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }
}
