using System.Text;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors.Masking;
using McpGateway.Core.Recording;
using McpGateway.Tests.EndToEnd.Recording;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace McpGateway.Tests.EndToEnd.Http;

/// <summary>
/// Masking and recording on an <c>http</c> connection (server-everything over Streamable HTTP): every SSE event is a
/// message of its own, so each progress notification is recorded once, and a secret the server sends back is masked
/// before the client and the audit store see it.
/// </summary>
[TestFixture]
internal sealed class UpstreamHttpInspectionTests
{
    private const string Secret = "AKIAIOSFODNN7EXAMPLE";

    private HttpMcpServer _server = null!;
    private string _directory = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        _directory = Directory.CreateTempSubdirectory("mcpgw-http-audit-").FullName;
        _server = await HttpMcpServer.StartEverythingAsync(timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _server.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    [CancelAfter(30000)]
    public async Task SseEvents_EachMaskedAndRecordedAsItsOwnFrame(CancellationToken cancellationToken)
    {
        var database = Path.Combine(_directory, "audit.db");
        var settings = GatewayHarness.Settings(new HttpConnectionSettings { Name = "remote", Url = _server.Url }) with
        {
            Features = FeatureSettings.Of(MaskingCompiler.Compile(new MaskingOptions(), [])!),
            Audit = new AuditSettings(database, AuditSettings.DefaultQueueCapacity, TimeSpan.FromSeconds(1)),
        };
        JsonObject echo;
        await using (var gateway = await GatewayHarness.StartAsync(settings, cancellationToken))
        {
            await using (var client = await gateway.ConnectAsync("remote", cancellationToken))
            {
                await client.InitializeAsync(cancellationToken, "2025-11-25");
                var progress = new List<JsonObject>();
                var operation = await client.RequestAsync(5, "tools/call", new JsonObject
                {
                    ["name"] = "trigger-long-running-operation",
                    ["arguments"] = new JsonObject { ["duration"] = 1, ["steps"] = 3 },
                    ["_meta"] = new JsonObject { ["progressToken"] = "p5" },
                }, cancellationToken, progress);
                Assert.That(operation["result"], Is.Not.Null, operation.ToJsonString());
                echo = await client.RequestAsync(6, "tools/call", new JsonObject { ["name"] = "echo", ["arguments"] = new JsonObject { ["message"] = $"key {Secret}" } }, cancellationToken);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
        }

        var records = new List<AuditRecord>();
        await using (var store = SqliteAuditStoreTestsAccess.Open(database))
        {
            await foreach (var record in store.ReadAsync(1, cancellationToken))
            {
                records.Add(record.Record);
            }
        }

        var bytes = Directory.GetFiles(_directory, "audit.db*").SelectMany(File.ReadAllBytes).ToArray();
        var progressRecords = records.Where(r => r.Direction == "upstream_to_client" && r.Method == "notifications/progress").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(echo.ToJsonString(), Does.Contain("[MASKED:aws_access_key:1]").And.Not.Contain(Secret));
            Assert.That(progressRecords, Has.Count.EqualTo(3), "one record per SSE event");
            Assert.That(progressRecords.Select(r => r.Verdict), Is.All.EqualTo("forwarded"));
            Assert.That(records.Count(r => r.RpcId == "5" && r.Direction == "upstream_to_client"), Is.EqualTo(1));
            Assert.That(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Secret)), Is.LessThan(0), "the audit store holds no secret");
        });
    }
}
