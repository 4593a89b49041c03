using System.Collections.Frozen;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors.Approval;
using McpGateway.Inspectors.Masking;
using McpGateway.Host.Demo;
using McpGateway.Inspectors.Recording;
using Microsoft.Extensions.Logging;

namespace McpGateway.Host.Commands;

/// <summary>
/// <c>mcpgw demo</c>: a gateway on its embedded defaults (loopback, an embedded development OIDC issuer) in front
/// of the real MCP reference server, and a short scripted client session through it, narrated.
/// </summary>
internal static class DemoCommand
{
    private static readonly string[] DemoGroups = ["mcp-users"];

    /// <summary>The example access key id from AWS's documentation: shaped like a real one, valid nowhere.</summary>
    private const string DemoAccessKeyId = "AKIAIOSFODNN7EXAMPLE";

    public static async Task<int> RunAsync()
    {
        var server = DemoPeers.FindServerEverything();
        if (server is null)
        {
            Console.Error.WriteLine("mcpgw demo: the MCP reference server is not installed; run ./build.sh demo from the repository (it runs npm ci in peers/), or set MCPGW_PEERS_DIR.");
            return 1;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var token = timeout.Token;
        await using var issuer = await DevelopmentIssuer.StartAsync(token);
        var directory = Directory.CreateTempSubdirectory("mcpgw-demo-");
        try
        {
            return await RunGatewayAsync(server, issuer, directory.FullName, token);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    private static async Task<int> RunGatewayAsync(string server, DevelopmentIssuer issuer, string directory, CancellationToken token)
    {
        var auditPath = Path.Combine(directory, AuditSettings.DefaultFileName);
        var signingKey = Path.Combine(directory, "audit-signing.pem");
        if (await AuditCommand.RunAsync(["keygen", "--out", signingKey], TextWriter.Null, Console.Error, token) != 0)
        {
            return 1;
        }

        var settings = new GatewaySettings
        {
            Endpoint = new IPEndPoint(IPAddress.Loopback, 0),
            AuthMode = AuthMode.Oidc,
            Oidc = new OidcSettings { Issuer = issuer.Issuer, Audiences = [DevelopmentIssuer.Audience], RequireHttpsMetadata = false },
            AllowPlaintext = true,
            Connections = new Dictionary<string, ConnectionSettings>
            {
                ["everything"] = new StdioConnectionSettings
                {
                    Name = "everything",
                    Command = "node",
                    Args = [server, "stdio"],
                    Access = new ConnectionAccess { AllowedGroups = DemoGroups.ToFrozenSet(StringComparer.Ordinal) },
                },
            }.ToFrozenDictionary(),
            Features = FeatureSettings.Of(
                ApprovalDemo.Policy("everything"),
                MaskingCompiler.Compile(new MaskingOptions(), [])!,
                new ApprovalSettings(Path.Combine(directory, ApprovalSettings.DefaultFileName))),
            AdminEndpoint = new IPEndPoint(IPAddress.Loopback, 0),
            Audit = new AuditSettings(auditPath, AuditSettings.DefaultQueueCapacity, AuditSettings.DefaultEnqueueTimeout) { SigningKeyFile = signingKey },
        };

        await using var gateway = GatewayFactory.Create(settings, configureLogging: logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        await gateway.StartAsync(token);
        Console.WriteLine($"McpGateway demo: gateway listening on {gateway.Endpoint}, upstream 'everything' = node {Path.GetFileName(server)} stdio (spawned per session)");
        Console.WriteLine($"auth: oidc against an embedded DEVELOPMENT-ONLY issuer at {issuer.Issuer} (key generated now, never use outside a workstation)");
        Console.WriteLine("connection 'everything' admits the group mcp-users");
        Console.WriteLine($"policy: allow, but get-sum waits for one approver from {ApprovalDemo.ApproverGroup} (rule {ApprovalDemo.RuleId}); admin API at http://{gateway.AdminEndpoint}");
        Console.WriteLine("masking: the built-in detectors on everything the server sends; recording: every frame into a hash-chained SQLite store with signed checkpoints");
        Console.WriteLine("inspector chain:");
        foreach (var line in gateway.Chain.Describe().Split('\n'))
        {
            Console.WriteLine($"  {line}");
        }

        await using (var forger = await LineClient.ConnectAsync(gateway.Endpoint, token))
        {
            var forged = await forger.RequestAsync(1, "mcpgateway/authenticate", new JsonObject { ["token"] = issuer.ForgeToken("agent-mallory"), ["connection"] = "everything" }, null, token);
            Step("mcpgateway/authenticate with a forged token (right kid, wrong key)", Error(forged));
        }

        var clock = Stopwatch.StartNew();
        await using (var client = await LineClient.ConnectAsync(gateway.Endpoint, token))
        {
            var auth = await client.RequestAsync(1, "mcpgateway/authenticate", new JsonObject { ["token"] = issuer.IssueToken("agent-demo", DemoGroups, TimeSpan.FromMinutes(5)), ["connection"] = "everything" }, null, token);
            Step("mcpgateway/authenticate with a token from the issuer", auth["result"] is JsonObject a ? $"session {a["sessionId"]} as {a["subject"]} (groups {a["groups"]?.ToJsonString()}) on {a["connection"]}, expires {a["expiresAt"]}" : Error(auth));

            var init = await client.RequestAsync(2, "initialize", new JsonObject
            {
                ["protocolVersion"] = "2025-06-18",
                ["capabilities"] = new JsonObject(),
                ["clientInfo"] = new JsonObject { ["name"] = "mcpgw-demo", ["version"] = "1.0" },
            }, null, token);
            Step("initialize", init["result"] is JsonObject r ? $"{r["serverInfo"]?["name"]} {r["serverInfo"]?["version"]}, protocol {r["protocolVersion"]}" : Error(init));
            await client.SendAsync("""{"jsonrpc":"2.0","method":"notifications/initialized"}""", token);

            var notifications = 0;
            var list = await client.RequestAsync(3, "tools/list", null, _ => notifications++, token);
            var names = (list["result"]?["tools"] as JsonArray)?.Select(t => t?["name"]?.GetValue<string>()).ToList() ?? [];
            Step("tools/list", names.Count > 0 ? $"{names.Count} tools: {string.Join(", ", names)}" : Error(list));

            var echo = await client.RequestAsync(4, "tools/call", new JsonObject
            {
                ["name"] = "echo",
                ["arguments"] = new JsonObject { ["message"] = "hello through McpGateway" },
            }, _ => notifications++, token);
            Step("tools/call echo", echo["result"]?["content"]?[0]?["text"]?.GetValue<string>() ?? Error(echo));

            var leak = await client.RequestAsync(41, "tools/call", new JsonObject
            {
                ["name"] = "echo",
                ["arguments"] = new JsonObject { ["message"] = $"deploy with {DemoAccessKeyId}" },
            }, _ => notifications++, token);
            Step($"tools/call echo of an AWS access key id ({DemoAccessKeyId}, AWS's documentation example)", leak["result"]?["content"]?[0]?["text"]?.GetValue<string>() ?? Error(leak));

            Console.WriteLine("  -> tools/call get-sum");
            var sum = await ApprovalDemo.CallAndApproveAsync(client, 5, new JsonObject
            {
                ["name"] = "get-sum",
                ["arguments"] = new JsonObject { ["a"] = 2, ["b"] = 40 },
            }, gateway, issuer, directory, token);
            Console.WriteLine($"     <- {sum["result"]?["content"]?[0]?["text"]?.GetValue<string>() ?? Error(sum)}");

            await client.SendAsync("""[{"jsonrpc":"2.0","id":6,"method":"ping"}]""", token);
            var batch = await client.ReadAsync(token);
            Step("a JSON-RPC batch (refused by the parsing rule)", Error(batch));

            await client.SendAsync("""{"jsonrpc":"2.0","id":7,"method":"tools/call","Method":"ping","params":{"name":"echo"}}""", token);
            var duplicate = await client.ReadAsync(token);
            Step("a frame with method and Method (refused: one meaning per frame)", Error(duplicate));

            Console.WriteLine($"  ({notifications} server notifications relayed along the way)");
        }

        await gateway.StopAsync(CancellationToken.None);
        await ShowAuditAsync(auditPath, signingKey, token);
        var policyShown = await PostgresPolicyDemo.RunAsync(issuer, Path.GetFullPath(Path.Combine(Path.GetDirectoryName(server)!, "..", "..", "..", "..")), token);
        Console.WriteLine($"Demo finished in {clock.ElapsedMilliseconds} ms: a forged token was refused, a tool list and three calls went through the gateway (one held until an approver approved it from the CLI, one echoing a secret that came back masked), two hostile frames never reached the server, the audit store verified{(policyShown ? ", and the policy let a select through and refused a DROP TABLE" : "")}.");
        return 0;
    }

    /// <summary>What the store holds of the session, masked, and <c>mcpgw audit verify</c> over it.</summary>
    private static async Task ShowAuditAsync(string auditPath, string signingKey, CancellationToken token)
    {
        Console.WriteLine("Audit: what the store kept");
        var key = System.Text.Encoding.UTF8.GetBytes(DemoAccessKeyId);
        long records = 0, inClear = 0;
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection(SqliteAuditStore.ConnectionString(auditPath, Microsoft.Data.Sqlite.SqliteOpenMode.ReadOnly)))
        {
            await connection.OpenAsync(token);
            await foreach (var stored in SqliteAuditStore.ReadAllAsync(connection, 1, token))
            {
                records++;
                inClear += stored.Record.Payload is { } payload && payload.AsSpan().IndexOf(key) >= 0 ? 1 : 0;
            }
        }

        Console.WriteLine($"  {records} records; records holding the access key id in clear: {inClear}");

        var verify = new StringWriter();
        var verified = await AuditCommand.RunAsync(["verify", "--store", auditPath, "--public-key", Path.ChangeExtension(signingKey, ".pub.pem")], verify, verify, token);
        foreach (var line in verify.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Console.WriteLine($"  mcpgw audit verify: {line}");
        }

        if (verified != 0)
        {
            Console.WriteLine("  (the store did not verify)");
        }
    }

    private static void Step(string what, string outcome) => Console.WriteLine($"  -> {what}\n     <- {outcome}");

    private static string Error(JsonObject response) =>
        response["error"] is JsonObject e ? $"error {e["code"]} {e["message"]} (reason {e["data"]?["reason"]})" : response.ToJsonString();
}
