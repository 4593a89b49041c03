using System.Text;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Core.Framing;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Upstreams;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;

namespace McpGateway.Tests.EndToEnd.Http;

/// <summary>
/// Issue #14, finding 4, and decision 1 of the wire contract for <c>http</c> upstreams: a message over
/// <c>maxUpstreamFrameBytes</c> (an SSE event that never ends, a JSON body that never ends or declares too much) ends
/// that upstream while it streams. Every call in flight gets <c>-31010</c> <c>upstream_frame_too_large</c> once, the
/// client's session ends, and the hostile server stops being read: what it managed to write stays bounded.
/// </summary>
[TestFixture]
internal sealed class UpstreamHttpFrameLimitTests
{
    private const string Connection = "hostile";
    private const int Limit = 256 * 1024;

    // What the limit, the socket buffers of a loopback connection and Kestrel's output buffer can absorb together
    // before the writer blocks; a gateway that kept reading would take all it is given.
    private const long SentBound = 32L * 1024 * 1024;

    private ScriptedHttpUpstream _server = null!;
    private DirectoryInfo _directory = null!;
    private GatewayHarness _gateway = null!;
    private Flood _flood = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        _server = await ScriptedHttpUpstream.StartAsync(timeout.Token);
        _server.Handler = (context, seen) => AnswerAsync(context, seen, _flood);
        _directory = Directory.CreateTempSubdirectory("mcpgw-http-limit-");
        var settings = GatewayHarness.Settings(new HttpConnectionSettings { Name = Connection, Url = _server.Url, ConnectRetries = 0 }) with
        {
            UpstreamLimits = new FrameLimits(Limit),
            Audit = new AuditSettings(AuditPath, AuditSettings.DefaultQueueCapacity, TimeSpan.FromSeconds(2)),
        };
        _gateway = await GatewayHarness.StartAsync(settings, timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        await _server.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _directory.Delete(recursive: true);
    }

    private string AuditPath => Path.Combine(_directory.FullName, "audit.db");

    /// <summary>
    /// The reason the session's end record gives, once it is written: read with a read-only, unpooled connection, which
    /// in WAL mode never stands in the way of the gateway's writer.
    /// </summary>
    private async Task<string?> EndReasonAsync(string sessionId, CancellationToken cancellationToken)
    {
        await using var store = new SqliteConnection($"Data Source={AuditPath};Mode=ReadOnly;Pooling=False");
        await store.OpenAsync(cancellationToken);
        await using var query = store.CreateCommand();
        query.CommandText = "SELECT reason FROM audit_records WHERE kind = 'session_end' AND session_id = $session";
        query.Parameters.AddWithValue("$session", sessionId);
        return await query.ExecuteScalarAsync(cancellationToken) as string;
    }

    [SetUp]
    public void NewFlood() => _flood = new Flood();

    [TestCase("endless-event")]
    [TestCase("endless-event-lines")]
    [TestCase("endless-json")]
    [TestCase("declared-json")]
    [CancelAfter(30000)]
    public async Task UpstreamMessageOverTheLimit_EveryCallInFlightGets31010Once_SessionEnds_UpstreamNoLongerRead(string tool, CancellationToken cancellationToken)
    {
        await using var client = await RawMcpClient.ConnectAsync(_gateway.Endpoint, cancellationToken);
        var sessionId = (string?)(await client.AuthenticateAsync(Connection, cancellationToken))["result"]?["sessionId"];
        await client.InitializeAsync(cancellationToken);

        var sentBefore = _server.BytesSent;
        await client.SendAsync("""{"jsonrpc":"2.0","id":"held","method":"tools/call","params":{"name":"held","arguments":{}}}""", cancellationToken);
        await _flood.Holding.Task.WaitAsync(cancellationToken);
        await client.SendAsync("""{"jsonrpc":"2.0","id":"flood","method":"tools/call","params":{"name":"TOOL","arguments":{}}}""".Replace("TOOL", tool, StringComparison.Ordinal), cancellationToken);
        var answers = new List<JsonObject>();
        while (await client.ReadLineAsync(cancellationToken) is { } line)
        {
            answers.Add(JsonNode.Parse(line)!.AsObject());
        }

        await _flood.Ended.Task.WaitAsync(cancellationToken);
        var sent = _server.BytesSent - sentBefore;
        Assert.Multiple(() =>
        {
            Assert.That(answers.Select(a => (string?)a["id"]), Is.EquivalentTo(new[] { "held", "flood" }), string.Join("\n", answers));
            Assert.That(answers.Select(a => (int?)a["error"]?["code"]), Is.All.EqualTo(-31010));
            Assert.That(answers.Select(a => (string?)a["error"]?["data"]?["reason"]), Is.All.EqualTo("upstream_frame_too_large"));
            Assert.That(sent, Is.LessThan(SentBound), "the gateway stopped reading at the limit instead of buffering the message");
        });
        string? reason = null;
        Assert.That(await Eventually.TrueAsync(async ct => (reason = await EndReasonAsync(sessionId!, ct)) is not null, TimeSpan.FromSeconds(10), cancellationToken), Is.True, "the session's end is recorded");
        Assert.That(reason, Is.EqualTo("upstream_frame_too_large"));
    }

    private static async Task AnswerAsync(HttpContext context, SeenRequest seen, Flood flood)
    {
        var message = JsonNode.Parse(seen.Body)!;
        var method = (string?)message["method"];
        var id = message["id"]?.ToJsonString();
        if (id is null)
        {
            context.Response.StatusCode = StatusCodes.Status202Accepted;
            return;
        }

        if (method == "initialize")
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\"hostile\",\"version\":\"1\"}}}", context.RequestAborted);
            return;
        }

        switch ((string?)message["params"]?["name"])
        {
            case "held":
                flood.Holding.TrySetResult();
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
                return;
            case "endless-event":
                context.Response.ContentType = "text/event-stream";
                await FloodAsync(context, flood, "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"pad\":\"", "x");
                return;
            case "endless-event-lines":
                // Many short data lines of one event: each line is small, their sum is not.
                context.Response.ContentType = "text/event-stream";
                await FloodAsync(context, flood, "data: {\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"pad\":[\n", "data: 1,\n");
                return;
            case "endless-json":
                context.Response.ContentType = "application/json";
                await FloodAsync(context, flood, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"pad\":\"", "x");
                return;
            case "declared-json":
                context.Response.ContentType = "application/json";
                context.Response.ContentLength = 1L << 40;
                await FloodAsync(context, flood, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"pad\":\"", "x");
                return;
        }
    }

    /// <summary>Writes <paramref name="head"/> and then <paramref name="unit"/> over and over until the reader goes away.</summary>
    private static async Task FloodAsync(HttpContext context, Flood flood, string head, string unit)
    {
        var chunk = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(unit, (64 * 1024) / unit.Length)));
        try
        {
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(head), context.RequestAborted);
            while (true)
            {
                // Kestrel completes writes to a connection that is gone without complaint: ask it whether it is gone.
                context.RequestAborted.ThrowIfCancellationRequested();
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The gateway closed the connection.
        }
        finally
        {
            flood.Ended.TrySetResult();
        }
    }

    private sealed class Flood
    {
        public TaskCompletionSource Holding { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
