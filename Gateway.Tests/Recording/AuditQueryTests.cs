using System.Text.Json.Nodes;
using McpGateway.Core.Recording;
using McpGateway.Host.Commands;
using Microsoft.Data.Sqlite;

namespace McpGateway.Tests.Recording;

/// <summary><c>mcpgw audit query</c> over a real SQLite store named by a configuration file.</summary>
[TestFixture]
internal sealed class AuditQueryTests
{
    private string _directory = null!;

    private string ConfigPath => Path.Combine(_directory, "gateway.json");

    [SetUp]
    public async Task CreateStoreAndConfig()
    {
        _directory = Directory.CreateTempSubdirectory("mcpgw-query-").FullName;
        await File.WriteAllTextAsync(ConfigPath, """
            {
              "listen": "127.0.0.1:0",
              "auth": { "mode": "none" },
              "connections": { "files": { "transport": "tcp", "host": "127.0.0.1", "port": 1 } },
              "audit": { }
            }
            """);
        await using var store = SqliteAuditStoreTests.Open(Path.Combine(_directory, "audit.db"));
        var start = 1_800_000_000_000_000L;
        await store.AppendAsync(new AuditRecord { TimeMicros = start, Kind = AuditEventKind.SessionStart, SessionId = "a", Subject = "alice", Groups = "dev\nops", Connection = "files" }, CancellationToken.None);
        await store.AppendAsync(new AuditRecord { TimeMicros = start + 1, Kind = AuditEventKind.SessionStart, SessionId = "b", Subject = "bob", Groups = "sales", Connection = "files" }, CancellationToken.None);
        await store.AppendAsync(new AuditRecord { TimeMicros = start + 2, Kind = AuditEventKind.Frame, SessionId = "a", Subject = "alice", Connection = "files", Method = "tools/call", Tool = "read_file", Verdict = "forwarded", Payload = "{\"masked\":\"[REDACTED]\"}"u8.ToArray() }, CancellationToken.None);
        await store.AppendAsync(new AuditRecord { TimeMicros = start + 3, Kind = AuditEventKind.Frame, SessionId = "b", Subject = "bob", Connection = "files", Method = "tools/call", Tool = "delete_file", Verdict = "rejected", Reason = "forbidden" }, CancellationToken.None);
    }

    [TearDown]
    public void DeleteDirectory()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<(int Exit, string[] Lines)> QueryAsync(string[] args, CancellationToken cancellationToken)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await AuditCommand.RunAsync(["query", .. args], output, error, cancellationToken);
        Assert.That(error.ToString(), Is.Empty);
        return (exit, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Query_GroupAndTool_JsonLinesOfTheMatchingFramesOnly(CancellationToken cancellationToken)
    {
        var (exit, lines) = await QueryAsync(["--config", ConfigPath, "--group", "ops", "--tool", "read_file", "--json"], cancellationToken);

        Assert.That(exit, Is.Zero);
        var record = JsonNode.Parse(lines.Single())!;
        Assert.Multiple(() =>
        {
            Assert.That(record["seq"]!.GetValue<long>(), Is.EqualTo(3));
            Assert.That(record["subject"]!.GetValue<string>(), Is.EqualTo("alice"));
            Assert.That(record["payload"], Is.InstanceOf<JsonObject>(), "the masked frame as JSON, not as an escaped string");
            Assert.That(record["payload"]!.ToJsonString(), Does.Contain("[REDACTED]"));
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Query_VerdictAndTimeRange_TableWithHeaderAndOneRow(CancellationToken cancellationToken)
    {
        var (exit, lines) = await QueryAsync(["--config", ConfigPath, "--verdict", "rejected", "--since", "2027-01-15T08:00:00Z"], cancellationToken);
        var (_, none) = await QueryAsync(["--config", ConfigPath, "--verdict", "rejected", "--until", "2027-01-15T08:00:00Z"], cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero);
            Assert.That(lines, Has.Length.EqualTo(2));
            Assert.That(lines[1], Does.Contain("bob").And.Contain("delete_file").And.Contain("forbidden"));
            Assert.That(none, Has.Length.EqualTo(1), "the header only");
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task Replay_RecordedSession_StepsInOrderWithMaskedPayloadOnly(CancellationToken cancellationToken)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await ReplayCommand.RunAsync(["a", "--config", ConfigPath], output, error, cancellationToken);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, error.ToString());
            Assert.That(lines[0], Does.Contain("session start: subject alice").And.Contain("groups [dev,ops]"));
            Assert.That(lines[1], Does.Contain("tools/call (read_file)").And.Contain("forwarded"));
            Assert.That(lines[2], Does.Contain("[REDACTED]"));
            Assert.That(output.ToString(), Does.Not.Contain("bob"));
        });
    }
}
