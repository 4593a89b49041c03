using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors.Masking;
using McpGateway.Host.Commands;
using McpGateway.Tests.EndToEnd.Support;
using Microsoft.Data.Sqlite;

namespace McpGateway.Tests.EndToEnd.Recording;

/// <summary>
/// <c>mcpgw replay</c> of a real session: a client talks to server-everything from npm through a real gateway that
/// masks and records; afterwards, with the gateway and the upstream gone, the replay renders the session step by step
/// from the store alone, masked. The upstream's own notifications are steps too; the calls are checked in order.
/// </summary>
[TestFixture]
internal sealed class ReplayEndToEndTests
{
    private const string Secret = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";

    private string _directory = null!;

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mcpgw-replay-").FullName;

    [TearDown]
    public void DeleteDirectory()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    [CancelAfter(60000)]
    public async Task Replay_SessionThroughServerEverything_EveryStepInOrderMaskedFromTheStoreAlone(CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        var settings = GatewayHarness.Settings(GatewayHarness.Everything()) with
        {
            Features = FeatureSettings.Of(MaskingCompiler.Compile(new MaskingOptions(), errors)),
            Audit = new AuditSettings(Path.Combine(_directory, "audit.db"), AuditSettings.DefaultQueueCapacity, TimeSpan.FromSeconds(2)),
        };
        string session;
        await using (var gateway = await GatewayHarness.StartAsync(settings, cancellationToken))
        {
            await using var client = await RawMcpClient.ConnectAsync(gateway.Endpoint, cancellationToken);
            session = (await client.AuthenticateAsync("everything", cancellationToken))["result"]!["sessionId"]!.GetValue<string>();
            await client.InitializeAsync(cancellationToken);
            var tools = await client.RequestAsync(1, "tools/list", null, cancellationToken);
            Assert.That(tools["result"]?["tools"]?.AsArray(), Is.Not.Empty, tools.ToJsonString());
            var echo = await client.RequestAsync(2, "tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = "token " + Secret } }, cancellationToken);
            Assert.That(echo.ToJsonString(), Does.Contain("[MASKED:").And.Not.Contain(Secret));
            var refused = await client.RequestAsync(3, "no/such/method", null, cancellationToken);
            Assert.That(refused["error"], Is.Not.Null);
        }

        var config = Path.Combine(_directory, "gateway.json");
        await File.WriteAllTextAsync(config, """
            {
              "listen": "127.0.0.1:0",
              "auth": { "mode": "none" },
              "connections": { "everything": { "transport": "tcp", "host": "127.0.0.1", "port": 1 } },
              "audit": { "path": "audit.db" }
            }
            """, cancellationToken);
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await ReplayCommand.RunAsync([session, "--config", config], output, error, cancellationToken);

        var steps = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('[')).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.Zero, error.ToString());
            Assert.That(steps[0], Does.Contain("session start: subject anonymous").And.Contain("connection everything"));
            Assert.That(steps[^1], Does.Contain("session end: client closed (protocol 2025-06-18)"));
            Assert.That(steps.Select(Summary), Does.Contain("client -> upstream  notification notifications/initialized  forwarded"));
            Assert.That(steps.Select(Summary).Where(s => s?.Contains(" id=", StringComparison.Ordinal) == true), Is.EqualTo(new[]
            {
                "client -> upstream  request id=0 initialize  forwarded",
                "upstream -> client  response id=0 initialize  forwarded",
                "client -> upstream  request id=1 tools/list  forwarded",
                "upstream -> client  response id=1 tools/list  forwarded",
                "client -> upstream  request id=2 tools/call (echo)  forwarded",
                "upstream -> client  response id=2 tools/call (echo)  replaced",
                "client -> upstream  request id=3 no/such/method  rejected by gateway: unknown_method",
            }));
            Assert.That(output.ToString(), Does.Contain("[MASKED:github_token:1]").And.Not.Contain(Secret));
        });
    }

    /// <summary>A frame step without its step number, time and size; null for session steps.</summary>
    private static string? Summary(string step)
    {
        var arrow = step.IndexOf(" -> ", StringComparison.Ordinal);
        if (arrow < 0)
        {
            return null;
        }

        var start = step.LastIndexOf("ms  ", arrow, StringComparison.Ordinal) + 4;
        var size = step.LastIndexOf("  [", StringComparison.Ordinal);
        return step[start..(size > start ? size : step.Length)];
    }
}
