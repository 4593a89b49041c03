using McpGateway.Inspectors;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Core.Recording;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Tests.EndToEnd.External;

/// <summary>
/// A gateway started from a real configuration file in front of server-everything (stdio), with one out-of-process
/// inspector named <see cref="Name"/> in the middle of its chain, an admin listener, and (when asked) recording to
/// SQLite and an approval store. The inspector entry is given as JSON; <see cref="Scripted"/> builds the usual one.
/// </summary>
internal sealed class ExternalInspectorRig : IAsyncDisposable
{
    public const string Name = "scripted";
    public const string Connection = "everything";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly DirectoryInfo _directory;

    private ExternalInspectorRig(DirectoryInfo directory, GatewayHarness gateway)
    {
        _directory = directory;
        Gateway = gateway;
    }

    public GatewayHarness Gateway { get; }

    public string Directory => _directory.FullName;

    /// <summary>One line per start of the scripted inspector (its pid).</summary>
    public string StartsFile => Path.Combine(_directory.FullName, "starts.txt");

    public IAuditStore Audit => Gateway.Application.Services.GetRequiredService<IAuditStore>();

    /// <summary>The scripted test inspector over stdio (see scripted_inspector.py), with extra members for its entry.</summary>
    public static JsonObject Scripted(JsonObject? extra = null, string methods = "tools/call")
    {
        var entry = new JsonObject
        {
            ["transport"] = "stdio",
            ["command"] = "python3",
            ["args"] = new JsonArray(ScriptPath, "--methods", methods, "--starts", "starts.txt"),
            ["budget"] = "00:00:00.500",
            ["restartDelay"] = "00:00:00.050",
            ["maxRestartDelay"] = "00:00:00.500",
        };
        foreach (var (key, value) in extra ?? [])
        {
            entry[key] = value?.DeepClone();
        }

        return entry;
    }

    public static string ScriptPath => Path.Combine(RepoPaths.Root, "Gateway.Tests", "EndToEnd", "External", "scripted_inspector.py");

    /// <param name="inspector">The <c>externalInspectors</c> entry.</param>
    /// <param name="extra">Further top-level members of the configuration (audit, approvals, policy, masking).</param>
    public static Task<ExternalInspectorRig> StartAsync(JsonObject inspector, CancellationToken cancellationToken, JsonObject? extra = null, string name = Name) =>
        StartManyAsync(new JsonObject { [name] = inspector }, cancellationToken, extra);

    /// <param name="inspectors">The <c>externalInspectors</c> section; the chain runs them in this order.</param>
    /// <param name="extra">Further top-level members of the configuration (audit, approvals, policy, masking).</param>
    public static async Task<ExternalInspectorRig> StartManyAsync(JsonObject inspectors, CancellationToken cancellationToken, JsonObject? extra = null)
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("mcpgw-extproc-");
        var config = new JsonObject
        {
            ["listen"] = "127.0.0.1:0",
            ["auth"] = new JsonObject { ["mode"] = "none" },
            ["admin"] = new JsonObject { ["listen"] = "127.0.0.1:0" },
            ["shutdownTimeout"] = "00:00:02",
            ["inspectors"] = new JsonArray([.. inspectors.Select(i => JsonValue.Create(i.Key))]),
            ["externalInspectors"] = inspectors.DeepClone(),
            ["connections"] = new JsonObject
            {
                [Connection] = new JsonObject
                {
                    ["transport"] = "stdio",
                    ["command"] = "node",
                    ["args"] = new JsonArray(RepoPaths.ServerEverythingJs, "stdio"),
                },
            },
        };
        foreach (var (key, value) in extra ?? [])
        {
            config[key] = value?.DeepClone();
        }

        var path = Path.Combine(directory.FullName, "gateway.json");
        await File.WriteAllTextAsync(path, config.ToJsonString(), cancellationToken);
        try
        {
            var gateway = await GatewayHarness.StartAsync(GatewayConfiguration.LoadFile(path), cancellationToken);
            return new ExternalInspectorRig(directory, gateway);
        }
        catch
        {
            directory.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>A client that authenticated and initialized, and the session id its records carry.</summary>
    public async Task<(RawMcpClient Client, string SessionId)> ConnectAsync(CancellationToken cancellationToken)
    {
        var client = await RawMcpClient.ConnectAsync(Gateway.Endpoint, cancellationToken);
        var authenticated = await client.AuthenticateAsync(Connection, cancellationToken);
        var sessionId = (string?)authenticated["result"]?["sessionId"] ?? throw new InvalidOperationException(authenticated.ToJsonString());
        await client.InitializeAsync(cancellationToken);
        return (client, sessionId);
    }

    public static Task<JsonObject> EchoAsync(RawMcpClient client, JsonNode id, string message, CancellationToken cancellationToken) =>
        client.RequestAsync(id, "tools/call", Echo(message), cancellationToken);

    public static JsonObject Echo(string message) => new()
    {
        ["name"] = "echo",
        ["arguments"] = new JsonObject { ["message"] = message },
    };

    public static string? Text(JsonObject response) => response["result"]?["content"]?[0]?["text"]?.GetValue<string>();

    public static string? Reason(JsonObject response) => response["error"]?["data"]?["reason"]?.GetValue<string>();

    public static string? Rule(JsonObject response) => response["error"]?["data"]?["rule"]?.GetValue<string>();

    public static int? Code(JsonObject response) => response["error"]?["code"]?.GetValue<int>();

    /// <summary>How often the scripted inspector was started.</summary>
    public int Starts => File.Exists(StartsFile) ? File.ReadAllLines(StartsFile).Length : 0;

    /// <summary><c>/readyz</c>: its status code and the names it reports not ready.</summary>
    public async Task<(HttpStatusCode Status, string[] NotReady)> ReadyzAsync(CancellationToken cancellationToken)
    {
        var uri = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{Gateway.Application.AdminEndpoint}/readyz"));
        using var response = await Http.GetAsync(uri, cancellationToken);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
        return (response.StatusCode, [.. body["notReady"]!.AsArray().Select(n => n!.GetValue<string>())]);
    }

    public async Task<List<AuditRecord>> AuditOfAsync(string sessionId, CancellationToken cancellationToken)
    {
        var records = new List<AuditRecord>();
        await foreach (var stored in Audit.ReadAsync(1, cancellationToken))
        {
            if (stored.Record.SessionId == sessionId)
            {
                records.Add(stored.Record);
            }
        }

        return records;
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }
}
