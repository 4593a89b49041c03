using System.Collections.Frozen;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors.Policy;
using McpGateway.Host.Commands;
using Microsoft.Extensions.Logging;

namespace McpGateway.Host.Demo;

/// <summary>
/// The policy part of <c>mcpgw demo</c>: a gateway with a policy in front of the real PostgreSQL MCP server (npm
/// server-postgres) on a throwaway cluster (peers/pg-throwaway.sh). A select goes through; a DROP TABLE, sent with
/// escaped method, tool and SQL, is refused at the gateway. Skipped, saying why, where PostgreSQL or the server is missing.
/// </summary>
internal static class PostgresPolicyDemo
{
    private const string ServerPostgres = "node_modules/@modelcontextprotocol/server-postgres/dist/index.js";
    private static readonly string[] Engineers = ["mcp-users", "engineering"];

    /// <summary>True when the demo ran; false when it was skipped (it says why).</summary>
    public static async Task<bool> RunAsync(DevelopmentIssuer issuer, string peersDirectory, CancellationToken cancellationToken)
    {
        Console.WriteLine("Policy demo: PostgreSQL behind the gateway");
        var server = Path.Combine(peersDirectory, ServerPostgres);
        if (!File.Exists(server))
        {
            Console.WriteLine("  skipped: @modelcontextprotocol/server-postgres is not installed in peers/ (run npm ci there)");
            return false;
        }

        if (!Directory.Exists("/usr/lib/postgresql") || !Directory.EnumerateDirectories("/usr/lib/postgresql").Any(d => File.Exists(Path.Combine(d, "bin", "initdb"))))
        {
            Console.WriteLine("  skipped: PostgreSQL server binaries (/usr/lib/postgresql/*/bin) are not installed");
            return false;
        }

        var port = FreePort();
        var script = Path.Combine(peersDirectory, "pg-throwaway.sh");
        var (exit, output) = await RunScriptAsync(script, ["start"], port, cancellationToken);
        if (exit != 0)
        {
            Console.WriteLine($"  skipped: the throwaway PostgreSQL cluster did not start ({output.Trim()})");
            return false;
        }

        var cluster = output.Trim().Split('\n')[^1];
        try
        {
            await RunGatewayAsync(issuer, server, port, cancellationToken);
            return true;
        }
        finally
        {
            await RunScriptAsync(script, ["stop", cluster], port, CancellationToken.None);
        }
    }

    private static async Task RunGatewayAsync(DevelopmentIssuer issuer, string server, int port, CancellationToken cancellationToken)
    {
        var options = new PolicyOptions { Default = "deny" };
        var allow = new PolicyRuleOptions { Id = "engineers-query", Action = "allow" };
        allow.Match.Groups.Add("engineering");
        allow.Match.Tools.Add("query");
        var block = new PolicyRuleOptions { Id = "no-drop", Action = "block", Reason = "destructive SQL" };
        block.Match.Tools.Add("query");
        block.Match.Arguments["sql"] = new ArgumentMatchOptions { Regex = @"\bDROP\s+(TABLE|DATABASE)\b", IgnoreCase = true };
        options.Rules.Add(allow);
        options.Rules.Add(block);
        var errors = new List<string>();
        var policy = PolicyCompiler.Compile(options, ["postgres"], errors) ?? throw new InvalidOperationException(string.Join("; ", errors));

        var uri = string.Create(CultureInfo.InvariantCulture, $"postgresql://postgres@127.0.0.1:{port}/mcptest");
        var settings = new GatewaySettings
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
            AuthMode = AuthMode.Oidc,
            Oidc = new OidcSettings { Issuer = issuer.Issuer, Audiences = [DevelopmentIssuer.Audience], RequireHttpsMetadata = false },
            AllowPlaintext = true,
            Connections = new Dictionary<string, ConnectionSettings>
            {
                ["postgres"] = new StdioConnectionSettings { Name = "postgres", Command = "node", Args = [server, uri] },
            }.ToFrozenDictionary(),
            Features = FeatureSettings.Of(policy),
        };

        await using var gateway = GatewayFactory.Create(settings, configureLogging: logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        await gateway.StartAsync(cancellationToken);
        Console.WriteLine($"  upstream 'postgres' = node server-postgres on a throwaway cluster at 127.0.0.1:{port} (database mcptest, table items)");
        Console.WriteLine("  policy: default deny; allow group engineering to call query; block query whose sql matches DROP (TABLE|DATABASE), ignoring case");
        Console.WriteLine($"  inspector chain: {gateway.Chain.Describe().Split('\n')[0]}");

        await using var client = await LineClient.ConnectAsync(gateway.Endpoint, cancellationToken);
        var auth = await client.RequestAsync(1, "mcpgateway/authenticate", new JsonObject { ["token"] = issuer.IssueToken("agent-alice", Engineers, TimeSpan.FromMinutes(5)), ["connection"] = "postgres" }, null, cancellationToken);
        Step("mcpgateway/authenticate as agent-alice (groups mcp-users, engineering)", auth["result"] is JsonObject ? "ok" : Error(auth));
        await client.RequestAsync(2, "initialize", new JsonObject
        {
            ["protocolVersion"] = "2025-06-18",
            ["capabilities"] = new JsonObject(),
            ["clientInfo"] = new JsonObject { ["name"] = "mcpgw-demo", ["version"] = "1.0" },
        }, null, cancellationToken);
        await client.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", cancellationToken);

        var select = await client.RequestAsync(3, "tools/call", Query("select id, name from items order by id"), null, cancellationToken);
        var rows = select["result"]?["content"]?[0]?["text"]?.GetValue<string>();
        Step("tools/call query \"select id, name from items order by id\" (allowed by engineers-query)", rows is null ? Error(select) : string.Join(" ", rows.Split('\n', StringSplitOptions.TrimEntries)));

        await client.SendAsync("""{"jsonrpc":"2.0","id":4,"method":"tools\u002fcall","params":{"name":"qu\u0065ry","arguments":{"sql":"DR\u004fP TABLE items"}}}""", cancellationToken);
        var drop = await client.ReadAsync(cancellationToken);
        Step("tools/call query \"DROP TABLE items\", written as tools\\u002fcall, qu\\u0065ry and DR\\u004fP", Error(drop) + $", rule {drop["error"]?["data"]?["rule"]}");

        var count = await client.RequestAsync(5, "tools/call", Query("select count(*) as items from items"), null, cancellationToken);
        var text = count["result"]?["content"]?[0]?["text"]?.GetValue<string>();
        Step("tools/call query \"select count(*) as items from items\" (the table is still there)", text is null ? Error(count) : string.Join(" ", text.Split('\n', StringSplitOptions.TrimEntries)));
        await gateway.StopAsync(CancellationToken.None);
    }

    private static JsonObject Query(string sql) => new() { ["name"] = "query", ["arguments"] = new JsonObject { ["sql"] = sql } };

    private static void Step(string what, string outcome) => Console.WriteLine($"  -> {what}\n     <- {outcome}");

    private static string Error(JsonObject response) =>
        response["error"] is JsonObject e ? $"error {e["code"]} {e["message"]} (reason {e["data"]?["reason"]})" : response.ToJsonString();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<(int Exit, string Output)> RunScriptAsync(string script, string[] arguments, int port, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        startInfo.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["PGPORT"] = port.ToString(CultureInfo.InvariantCulture);
        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, await stdout + await stderr);
    }
}
