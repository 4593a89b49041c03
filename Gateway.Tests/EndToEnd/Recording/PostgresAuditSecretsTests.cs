using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Inspectors.Masking;
using McpGateway.Core.Recording;
using McpGateway.Inspectors.Recording;
using McpGateway.Tests.EndToEnd.Hostile;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using McpGateway.Tests.Masking;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace McpGateway.Tests.EndToEnd.Recording;

/// <summary>
/// The masked secrets corpus through a real gateway recording into a real PostgreSQL cluster: an upstream answers with
/// every corpus frame and the client sends every secret as an argument the profile masks; afterwards not one secret is
/// found in the raw bytes of the cluster's files (tables, indexes and write-ahead log), while the masked payloads are.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class PostgresAuditSecretsTests
{
    private ThrowawayPostgres? _postgres;

    private string ConnectionString => _postgres!.ConnectionString;

    [OneTimeSetUp]
    public async Task StartPostgres()
    {
        _postgres = await ThrowawayPostgres.StartOrIgnoreAsync();
    }

    [OneTimeTearDown]
    public async Task StopPostgres()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }

    private static List<JsonObject> Corpus() =>
        [.. File.ReadLines(Path.Combine(RepoPaths.Root, "Gateway.Tests", "Masking", "Corpus", "secrets.jsonl")).Select(line => JsonNode.Parse(line)!.AsObject())];

    /// <summary>
    /// What the upstream sends for the corpus entry when asked with id <paramref name="rawId"/>: the corpus response with
    /// that id; or a corpus notification or server-to-client request followed by a plain answer.
    /// </summary>
    private static IEnumerable<byte[]> Answer(JsonObject entry, SpyLine line)
    {
        var rawId = line.RawId!;
        if (entry["frame"] is JsonObject { } initiated && initiated.ContainsKey("method"))
        {
            var copy = initiated.DeepClone().AsObject();
            if (copy.ContainsKey("id"))
            {
                copy["id"] = "srv-" + rawId;
            }

            return [Encoding.UTF8.GetBytes(copy.ToJsonString()), line.EchoResponse()];
        }

        if (entry["frame"] is JsonObject frame)
        {
            var copy = frame.DeepClone().AsObject();
            copy["id"] = JsonNode.Parse(rawId);
            return [Encoding.UTF8.GetBytes(copy.ToJsonString())];
        }

        var text = entry["frameText"]!.GetValue<string>();
        var id = JsonNode.Parse(text)!["id"]!.ToJsonString();
        return [Encoding.UTF8.GetBytes(text.Replace($"\"id\": {id}", $"\"id\": {rawId}", StringComparison.Ordinal))];
    }

    [Test]
    [CancelAfter(60000)]
    public async Task CorpusThroughTheGateway_RawClusterBytes_HoldMaskedPayloadsAndNoSecret(CancellationToken cancellationToken)
    {
        var corpus = Corpus();
        await using var spy = SpyUpstream.Start(SpyBehavior.Scripted(line =>
            line.IsRequest && JsonNode.Parse(line.Text)?["params"]?["name"]?.GetValue<string>() is { } tool && tool.StartsWith("corpus-", StringComparison.Ordinal)
                ? Answer(corpus[int.Parse(tool["corpus-".Length..], CultureInfo.InvariantCulture)], line)
                : line.IsRequest ? [line.EchoResponse()] : []));
        var errors = new List<string>();
        var settings = GatewayHarness.Settings(GatewayHarness.Tcp("spy", spy.Port)) with
        {
            Features = FeatureSettings.Of(MaskingCompiler.Compile(MaskingRig.CorpusOptions(), errors)),
            Audit = new AuditSettings("unused", AuditSettings.DefaultQueueCapacity, TimeSpan.FromSeconds(2)) { PostgresConnectionString = ConnectionString },
        };
        Assert.That(errors, Is.Empty);
        var secrets = corpus.SelectMany(e => e["secrets"]!.AsArray().Select(s => s!.GetValue<string>())).Distinct().ToList();
        var received = new StringBuilder();
        var initiated = 0;
        await using (var gateway = await GatewayHarness.StartAsync(settings, cancellationToken))
        await using (var client = await gateway.ConnectAsync(null, cancellationToken))
        {
            await client.InitializeAsync(cancellationToken);
            for (var i = 0; i < corpus.Count; i++)
            {
                var arguments = new JsonObject { ["apiKey"] = corpus[i]["secrets"]![0]!.GetValue<string>() };
                var others = new List<JsonObject>();
                var response = await client.RequestAsync(i, "tools/call", new JsonObject { ["name"] = $"corpus-{i}", ["arguments"] = arguments }, cancellationToken, others);
                initiated += others.Count;
                received.Append(string.Concat(others.Select(o => o.ToJsonString())));
                Assert.That(response.ContainsKey("result") || response.ContainsKey("error"), Is.True, response.ToJsonString());
                received.Append(response.ToJsonString());
            }
        }

        var records = await CountFramesAsync(cancellationToken);
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var checkpoint = new NpgsqlCommand("CHECKPOINT", connection);
            await checkpoint.ExecuteNonQueryAsync(cancellationToken);
        }

        NpgsqlConnection.ClearAllPools();
        var raw = Directory.EnumerateFiles(_postgres!.Directory, "*", SearchOption.AllDirectories)
            .Where(path => !Path.GetFileName(path).StartsWith(".s.PGSQL", StringComparison.Ordinal)).SelectMany(ReadShared).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(initiated, Is.EqualTo(corpus.Count(e => e["frame"]?["method"] is not null)), "notifications and server requests relayed");
            Assert.That(records, Is.EqualTo(HandshakeFrames + (2 * corpus.Count) + initiated), "a record for every frame relayed");
            Assert.That(secrets.Where(s => received.ToString().Contains(s, StringComparison.Ordinal)), Is.Empty, "the client");
            Assert.That(raw.AsSpan().IndexOf("[MASKED:"u8), Is.GreaterThanOrEqualTo(0), "the masked payloads are in the scanned bytes, uncompressed");
            Assert.That(secrets.Where(s => raw.AsSpan().IndexOf(Encoding.UTF8.GetBytes(s)) >= 0), Is.Empty, "raw bytes of the PostgreSQL cluster");
        });
    }

    // initialize, its result and notifications/initialized, relayed (and recorded) before the corpus.
    private const int HandshakeFrames = 3;

    private async Task<int> CountFramesAsync(CancellationToken cancellationToken)
    {
        await using var store = new PostgresAuditStore(ConnectionString, 16, TimeSpan.FromSeconds(2), TimeProvider.System, NullLogger.Instance);
        var count = 0;
        await foreach (var stored in store.ReadAsync(1, cancellationToken))
        {
            count += stored.Record.Kind == AuditEventKind.Frame && stored.Record.Verdict is "forwarded" or "replaced" ? 1 : 0;
        }

        return count;
    }

    private static byte[] ReadShared(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        file.CopyTo(copy);
        return copy.ToArray();
    }
}
