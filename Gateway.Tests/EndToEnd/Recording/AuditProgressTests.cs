using McpGateway.Core.Recording;
using McpGateway.Host.Commands;
using McpGateway.Inspectors.Recording;
using McpGateway.Tests.EndToEnd.Protocol;
using McpGateway.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace McpGateway.Tests.EndToEnd.Recording;

/// <summary>
/// <c>mcpgw audit purge</c> and <c>mcpgw replay</c> over a long store, through the built program: with
/// <c>--progress</c> they say on stderr how far they are and how long it took, while stdout carries only the result;
/// without it, and with stderr not a terminal, stderr stays quiet.
/// </summary>
[TestFixture]
internal sealed class AuditProgressTests
{
    private const int Purged = 4990;

    private string _directory = null!;

    private string ConfigPath => Path.Combine(_directory, "gateway.json");

    [SetUp]
    public async Task CreateStoreAndConfiguration()
    {
        _directory = Directory.CreateTempSubdirectory("mcpgw-progress-").FullName;
        using (var output = new StringWriter())
        {
            Assert.That(await AuditCommand.RunAsync(["keygen", "--out", Path.Combine(_directory, "audit-key.pem")], output, output), Is.Zero, output.ToString());
        }

        await File.WriteAllTextAsync(ConfigPath, """
            {
              "listen": "127.0.0.1:0",
              "auth": { "mode": "none" },
              "connections": { "files": { "transport": "tcp", "host": "127.0.0.1", "port": 1 } },
              "audit": { "path": "audit.db", "signingKeyFile": "audit-key.pem", "retention": { "maxRecords": 10 } }
            }
            """);

        // A long session ("long", every other record) among another; appended together so that they share commits.
        await using var store = new SqliteAuditStore(Path.Combine(_directory, "audit.db"), 8192, TimeSpan.FromSeconds(60), TimeProvider.System, NullLogger.Instance);
        var appends = Enumerable.Range(1, Purged + 10).Select(n => store.AppendAsync(
            new AuditRecord
            {
                TimeMicros = n,
                Kind = AuditEventKind.Frame,
                SessionId = n % 2 == 0 ? "long" : "other",
                Direction = "client_to_upstream",
                MessageKind = "request",
                Method = "tools/call",
                Verdict = "forwarded",
            },
            CancellationToken.None).AsTask());
        await Task.WhenAll(appends);
    }

    [TearDown]
    public void DeleteDirectory()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Purge_WithProgress_ChunksAndTotalOnStderrResultOnStdout(CancellationToken cancellationToken)
    {
        await using var mcpgw = Start(["audit", "purge", "--config", ConfigPath, "--progress"]);

        await mcpgw.WaitForExitAsync(cancellationToken);

        var progress = mcpgw.StandardError.TrimEnd('\n').Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(mcpgw.ExitCode, Is.Zero, mcpgw.Describe());
            Assert.That(mcpgw.OutputLines, Is.EqualTo(new[] { $"purged {Purged} records; the chain now starts at record {Purged + 1} behind a signed anchor" }));
            Assert.That(progress[0], Does.Match(@"^mcpgw: purged 2,000 of 4,990 records \(40%, [0-9,]+ records/s\)$"), "the first chunk, at once");
            Assert.That(progress[1..^1], Has.All.Match(@"^mcpgw: purged [0-9,]+ of 4,990 records \([0-9]+%, [0-9,]+ records/s\)$"));
            Assert.That(progress[^1], Does.Match(@"^mcpgw: purged 4,990 records in [0-9]+\.[0-9] s \([0-9,]+ records/s\)$"), "the total");
        });
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Purge_StderrNotATerminalNoProgressAsked_StderrQuiet(CancellationToken cancellationToken)
    {
        await using var mcpgw = Start(["audit", "purge", "--config", ConfigPath]);

        await mcpgw.WaitForExitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(mcpgw.ExitCode, Is.Zero, mcpgw.Describe());
            Assert.That(mcpgw.OutputLines, Has.One.StartsWith($"purged {Purged} records"));
            Assert.That(mcpgw.StandardError, Is.Empty);
        });
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Replay_LongSessionWithProgress_ScanOnStderrStepsOnStdout(CancellationToken cancellationToken)
    {
        await using var mcpgw = Start(["replay", "long", "--config", ConfigPath, "--progress"]);

        await mcpgw.WaitForExitAsync(cancellationToken);

        var progress = mcpgw.StandardError.TrimEnd('\n').Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(mcpgw.ExitCode, Is.Zero, mcpgw.Describe());
            Assert.That(mcpgw.OutputLines, Has.Count.EqualTo((Purged + 10) / 2), "one step per record of the session, nothing else");
            Assert.That(mcpgw.OutputLines, Has.All.Contains("client -> upstream  request"));
            Assert.That(progress[0], Does.Match(@"^mcpgw: scanned 1 of 5,000 records \(0%, [0-9,]+ records/s\)$"), "at once");
            Assert.That(progress[^1], Does.Match(@"^mcpgw: scanned 5,000 records in [0-9]+\.[0-9] s \([0-9,]+ records/s\)$"), "the total");
        });
    }

    private static ChildProcess Start(string[] arguments)
    {
        Assert.That(BuildOutputs.GatewayHostDll, Does.Exist);
        return ChildProcess.Start("dotnet", [BuildOutputs.GatewayHostDll, .. arguments]);
    }
}
