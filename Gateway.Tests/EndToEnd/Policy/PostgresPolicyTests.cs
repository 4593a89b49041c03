using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;

namespace McpGateway.Tests.EndToEnd.Policy;

/// <summary>
/// The policy in front of a real PostgreSQL MCP server (npm server-postgres) on a throwaway cluster: a select is
/// answered from the database; a DROP TABLE, however escaped, is refused at the gateway and never reaches the server
/// (PostgreSQL logs every failed statement, and its log does not mention it).
/// </summary>
[TestFixture]
internal sealed class PostgresPolicyTests
{
    private const string Policy = """
        {
          "default": "deny",
          "rules": [
            { "id": "db-query", "action": "allow", "match": { "connections": [ "db" ], "tools": [ "query" ] } },
            { "id": "no-drop", "action": "block", "match": { "tools": [ "query" ],
              "arguments": { "sql": { "regex": "\\bDROP\\s+(TABLE|DATABASE)\\b", "ignoreCase": true } } } }
          ]
        }
        """;

    [Test]
    [CancelAfter(60000)]
    public async Task Query_SelectAllowedDropBlocked_DropNeverReachesPostgres(CancellationToken cancellationToken)
    {
        if (!ThrowawayPostgres.IsAvailable)
        {
            Assert.Ignore("PostgreSQL server binaries (/usr/lib/postgresql/*/bin) are not installed");
        }

        await using var postgres = await ThrowawayPostgres.StartAsync(cancellationToken);
        var directory = Directory.CreateTempSubdirectory("mcpgw-pg-policy-");
        try
        {
            var config = Path.Combine(directory.FullName, "gateway.json");
            var server = Path.Combine(RepoPaths.NodeModules, "@modelcontextprotocol", "server-postgres", "dist", "index.js");
            await File.WriteAllTextAsync(config, $$"""
                {
                  "listen": "127.0.0.1:0",
                  "auth": { "mode": "none" },
                  "connections": { "db": { "transport": "stdio", "command": "node",
                                           "args": [ {{JsonValue.Create(server).ToJsonString()}}, "{{postgres.ConnectionUri}}" ] } },
                  "policy": {{Policy}}
                }
                """, cancellationToken);
            await using var gateway = await GatewayHarness.StartAsync(GatewayConfiguration.LoadFile(config), cancellationToken);
            await using var client = await gateway.ConnectAsync("db", cancellationToken);
            await client.InitializeAsync(cancellationToken);

            var select = await client.RequestAsync("select", "tools/call", Call("select name from items order by id"), cancellationToken);
            await client.SendAsync("""{"jsonrpc":"2.0","id":"drop","method":"tools\u002fcall","params":{"name":"qu\u0065ry","arguments":{"sql":"DR\u004fP TABLE items"}}}""", cancellationToken);
            var drop = await client.ReadResponseAsync("drop", cancellationToken);
            var after = await client.RequestAsync("after", "tools/call", Call("select count(*) as n from items"), cancellationToken);
            await client.RequestAsync("control", "tools/call", Call("select * from no_such_table"), cancellationToken);

            Assert.That(select["result"]?["content"]?[0]?["text"]?.ToString(), Does.Contain("alpha").And.Contain("beta"), select.ToJsonString());
            Assert.That((int?)drop["error"]?["code"], Is.EqualTo(-31003), drop.ToJsonString());
            Assert.That((string?)drop["error"]?["data"]?["rule"], Is.EqualTo("no-drop"));
            Assert.That(after["result"]?["content"]?[0]?["text"]?.ToString(), Does.Contain("2"), after.ToJsonString());
            Assert.That(postgres.ServerLog, Does.Contain("no_such_table"), "control: PostgreSQL logs a statement that failed");
            Assert.That(postgres.ServerLog, Does.Not.Contain("DROP").IgnoreCase, "PostgreSQL never saw the DROP");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static JsonObject Call(string sql) => new() { ["name"] = "query", ["arguments"] = new JsonObject { ["sql"] = sql } };
}
