using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Host.Commands;
using McpGateway.Tests.EndToEnd.Support;
using Microsoft.Data.Sqlite;

namespace McpGateway.Tests.EndToEnd.Recording;

/// <summary>
/// A caller names a tool with invisible format characters (a bidi override, a line separator, a zero-width space) to
/// paint a forged row over what an auditor reads; control characters never get that far (the gateway refuses them in
/// names), so someone with write access to the store plants them instead (carriage return, erase line, C1 CSI).
/// <c>mcpgw audit query</c> and <c>mcpgw replay</c> print every stored value with all of them escaped.
/// </summary>
[TestFixture]
internal sealed class AuditTerminalOutputTests
{
    private const string ForgedTool = "echo\u202e\u2028     999  2026-12-07T00:00:00.000000  frame  alice  run  forwarded\u200b";
    private const string ForgedMethod = "no/such\u001b[31m\u009b2J\u202etnemom";

    private string _directory = null!;
    private string _config = null!;
    private string _session = null!;

    [SetUp]
    public async Task RecordHostileNamesAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        _directory = Directory.CreateTempSubdirectory("mcpgw-audit-terminal-").FullName;
        var settings = GatewayHarness.Settings(GatewayHarness.Everything()) with
        {
            Audit = new AuditSettings(Path.Combine(_directory, "audit.db"), AuditSettings.DefaultQueueCapacity, TimeSpan.FromSeconds(2)),
        };
        await using (var gateway = await GatewayHarness.StartAsync(settings, timeout.Token))
        {
            await using var client = await RawMcpClient.ConnectAsync(gateway.Endpoint, timeout.Token);
            _session = (await client.AuthenticateAsync("everything", timeout.Token))["result"]!["sessionId"]!.GetValue<string>();
            await client.InitializeAsync(timeout.Token);
            var call = await client.RequestAsync(1, "tools/call", new JsonObject { ["name"] = ForgedTool, ["arguments"] = new JsonObject() }, timeout.Token);
            Assert.That(call["error"] ?? call["result"]?["isError"], Is.Not.Null, "no such tool: " + call.ToJsonString());
            var method = await client.RequestAsync(2, ForgedMethod, null, timeout.Token);
            Assert.That((string?)method["error"]?["data"]?["reason"], Is.EqualTo("control_character_in_method"), method.ToJsonString());
        }

        // Someone who can write the store plants terminal controls where the gateway never would.
        SqliteConnection.ClearAllPools();
        await using (var store = new SqliteConnection($"Data Source={Path.Combine(_directory, "audit.db")}"))
        {
            await store.OpenAsync(timeout.Token);
            await using var update = store.CreateCommand();
            update.CommandText = "UPDATE audit_records SET method = $method WHERE tool = $tool";
            update.Parameters.AddWithValue("$method", ForgedMethod);
            update.Parameters.AddWithValue("$tool", ForgedTool);
            Assert.That(await update.ExecuteNonQueryAsync(timeout.Token), Is.GreaterThan(0), "the forged tool's records");
        }

        _config = Path.Combine(_directory, "gateway.json");
        await File.WriteAllTextAsync(_config, """
            {
              "listen": "127.0.0.1:0",
              "auth": { "mode": "none" },
              "connections": { "everything": { "transport": "tcp", "host": "127.0.0.1", "port": 1 } },
              "audit": { "path": "audit.db" }
            }
            """, timeout.Token);
    }

    [TearDown]
    public void DeleteDirectory()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static void AssertInert(string output)
    {
        var unsafeCharacters = output.Where(c => c != '\n' && (char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format)).Select(c => ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Multiple(() =>
        {
            Assert.That(unsafeCharacters, Is.Empty, output);
            Assert.That(output, Does.Contain(@"echo\u202e\u2028     999"));
            Assert.That(output, Does.Contain(@"no/such\u001b[31m\u009b2J\u202etnemom"));
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Query_ToolAndMethodWithTerminalControls_PrintsThemEscaped(CancellationToken cancellationToken)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await AuditCommand.RunAsync(["query", "--config", _config], output, error, cancellationToken);

        Assert.That(exit, Is.Zero, error.ToString());
        AssertInert(output.ToString());
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Replay_ToolAndMethodWithTerminalControls_PrintsThemEscaped(CancellationToken cancellationToken)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await ReplayCommand.RunAsync([_session, "--config", _config], output, error, cancellationToken);

        Assert.That(exit, Is.Zero, error.ToString());
        AssertInert(output.ToString());
    }
}
