using System.Text.Json;

namespace McpGateway.Tests.EndToEnd.FrontDoor;

/// <summary>
/// The configuration file the front-door end-to-end fixtures run <c>mcpgw</c>'s loader on: OIDC against a real
/// provider, the front door on an ephemeral loopback port, one connection, a policy that blocks <c>get-env</c>,
/// the default masking profile and a SQLite audit store in <c>directory</c>.
/// </summary>
internal static class FrontDoorGatewayConfig
{
    public const string Secret = "AKIAIOSFODNN7EXAMPLE";

    public static string AuditPath(DirectoryInfo directory) => Path.Combine(directory.FullName, "audit.db");

    /// <summary>Writes gateway.json into <paramref name="directory"/>; <paramref name="connectionJson"/> is the connection's JSON object.</summary>
    /// <param name="extraRules">Policy rules (JSON objects, each followed by a comma) placed before the fixed ones.</param>
    /// <param name="extraSections">Top-level members (each followed by a comma) added to the file, e.g. an <c>approvals</c> section.</param>
    public static async Task<string> WriteAsync(
        DirectoryInfo directory,
        string issuer,
        string connection,
        string connectionJson,
        CancellationToken cancellationToken,
        string extraRules = "",
        string extraSections = "")
    {
        var path = Path.Combine(directory.FullName, "gateway.json");
        await File.WriteAllTextAsync(path, $$"""
            {
              "listen": "127.0.0.1:0",
              "allowPlaintext": true,
              "auth": { "mode": "oidc", "issuer": "{{issuer}}", "audience": "api://mcp-gateway", "requireHttpsMetadata": false },
              "http": { "listen": "127.0.0.1:0", "allowedOrigins": [ "http://agent-console.example" ], "scopes": [ "mcp:tools" ] },
              "connections": {
                "{{connection}}": {{connectionJson}}
              },
              "policy": {
                "default": "allow",
                "rules": [
                  {{extraRules}}
                  { "id": "no-env", "action": "block", "reason": "the environment holds secrets", "match": { "tools": [ "get-env" ] } },
                  { "id": "sampling", "action": "allow", "match": { "methods": [ "sampling/createMessage" ] } }
                ]
              },
              {{extraSections}}
              "masking": { "defaultProfile": "default" },
              "audit": { "path": {{JsonSerializer.Serialize(AuditPath(directory))}} }
            }
            """, cancellationToken);
        return path;
    }
}
