using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using System.Text;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Sessions;
using McpGateway.Core.Upstreams.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using McpGateway.Core.Messaging;

namespace McpGateway.Tests.Upstreams;

/// <summary>
/// The Streamable HTTP channel against a scripted server: which headers each message carries in either era, how
/// bodies and event streams become frames, and how every failure of an exchange answers its call exactly once.
/// </summary>
[TestFixture]
internal sealed class HttpUpstreamChannelTests
{
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""";
    private const string Initialized = """{"jsonrpc":"2.0","method":"notifications/initialized"}""";

    private ScriptedHttpUpstream _server = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        _server = await ScriptedHttpUpstream.StartAsync(timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _server.DisposeAsync();

    [SetUp]
    public void Clear() => _server.Requests.Clear();

    [Test]
    [CancelAfter(10000)]
    public async Task Session2025_HeadersInjectedSessionEchoedGetStreamAndDelete(CancellationToken cancellationToken)
    {
        _server.Handler = (context, seen) => seen.Method switch
        {
            "POST" when seen.Body.Contains("\"initialize\"", StringComparison.Ordinal) =>
                Json(context, 200, """{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","capabilities":{},"serverInfo":{"name":"s","version":"1"}}}""", ("Mcp-Session-Id", "sess-42")),
            "POST" when seen.Body.Contains("notifications/", StringComparison.Ordinal) => Status(context, 202),
            "POST" => Json(context, 200, """{"jsonrpc":"2.0","id":2,"result":{"tools":[]}}"""),
            "GET" => Status(context, 405),
            _ => Status(context, 200),
        };
        var rig = Open(new Dictionary<string, EnvironmentValue> { ["X-Api-Key"] = new(EnvironmentValueSource.Literal, "key-123") });

        await rig.SendAsync(Initialize, cancellationToken);
        var initialized = await rig.ReadAsync(cancellationToken);
        await rig.SendAsync(Initialized, cancellationToken);
        await rig.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", cancellationToken);
        var tools = await rig.ReadAsync(cancellationToken);
        await WaitForAsync(() => _server.Requests.Any(r => r.Method == "GET"), cancellationToken);
        var failures = rig.Failures.Count;
        await rig.DisposeAsync();

        var requests = _server.Requests.ToList();
        var list = requests.Single(r => r.Body.Contains("tools/list", StringComparison.Ordinal));
        var delete = requests.Single(r => r.Method == "DELETE");
        Assert.Multiple(() =>
        {
            Assert.That(initialized["result"]?["protocolVersion"]?.GetValue<string>(), Is.EqualTo("2025-06-18"));
            Assert.That(tools["id"]?.GetValue<int>(), Is.EqualTo(2));
            Assert.That(requests.Select(r => r.Header("X-Api-Key")), Is.All.EqualTo("key-123"), "every request carries the gateway's header");
            Assert.That(requests[0].Header("Mcp-Session-Id"), Is.Null);
            Assert.That(requests[0].Header("Accept"), Does.Contain("application/json").And.Contain("text/event-stream"));
            Assert.That(list.Header("Mcp-Session-Id"), Is.EqualTo("sess-42"));
            Assert.That(list.Header("MCP-Protocol-Version"), Is.EqualTo("2025-06-18"), "the negotiated version, not the requested one");
            Assert.That(list.Header("Mcp-Method"), Is.Null, "2025-era requests keep their era's headers");
            Assert.That(requests.Single(r => r.Method == "GET").Header("Accept"), Is.EqualTo("text/event-stream"));
            Assert.That(delete.Header("Mcp-Session-Id"), Is.EqualTo("sess-42"));
            Assert.That(failures, Is.Zero);
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Request2026_StatelessWithMethodNameAndVersionHeaders(CancellationToken cancellationToken)
    {
        _server.Handler = (context, _) => Json(context, 200, """{"jsonrpc":"2.0","id":"c1","result":{"content":[],"resultType":"complete"}}""");
        await using var rig = Open();

        await rig.SendAsync("""{"jsonrpc":"2.0","id":"c1","method":"tools/call","params":{"name":"größe prüfen","arguments":{},"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""", cancellationToken);
        var answer = await rig.ReadAsync(cancellationToken);
        await rig.SendAsync("""{"jsonrpc":"2.0","id":"c2","method":"resources/read","params":{"uri":"file:///a.txt","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""", cancellationToken);
        await rig.ReadAsync(cancellationToken);

        var call = _server.Requests.First();
        var read = _server.Requests.Last();
        Assert.Multiple(() =>
        {
            Assert.That(answer["id"]?.GetValue<string>(), Is.EqualTo("c1"));
            Assert.That(call.Header("MCP-Protocol-Version"), Is.EqualTo("2026-07-28"));
            Assert.That(call.Header("Mcp-Method"), Is.EqualTo("tools/call"));
            Assert.That(call.Header("Mcp-Name"), Is.EqualTo("=?base64?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("größe prüfen")) + "?="));
            Assert.That(call.Header("Mcp-Session-Id"), Is.Null);
            Assert.That(read.Header("Mcp-Name"), Is.EqualTo("file:///a.txt"));
        });
    }

    [TestCase("""{"jsonrpc":"2.0","id":"c1","method":"tools/call","params":{"name":"echo","_meta":{"io.modelcontextprotocol/protocolVersion":"2025-06-18\r\nX-Smuggled: 1"}}}""", -32602, "invalid_protocol_version")]
    [TestCase("""{"jsonrpc":"2.0","id":"c1","method":"tools/call","params":{"name":"echo","_meta":{"io.modelcontextprotocol/protocolVersion":{"v":"2026-07-28"}}}}""", -32602, "invalid_protocol_version")]
    [TestCase("""{"jsonrpc":"2.0","id":"c1","method":"x/do it","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""", -32600, "invalid_method_name")]
    [CancelAfter(10000)]
    public async Task Request2026_HeaderValueOutsideItsGrammar_CallFailsAndNothingIsSent(string frame, int code, string reason, CancellationToken cancellationToken)
    {
        _server.Handler = (context, _) => Json(context, 200, """{"jsonrpc":"2.0","id":"c2","result":{}}""");
        await using var rig = Open();

        await rig.SendAsync(frame, cancellationToken);
        var failure = await rig.NextFailureAsync(cancellationToken);
        await rig.SendAsync("""{"jsonrpc":"2.0","id":"c2","method":"ping"}""", cancellationToken);
        await rig.ReadAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(failure.Item1, Is.EqualTo(JsonRpcId.FromString("c1")));
            Assert.That((int)failure.Item2.Code, Is.EqualTo(code));
            Assert.That(failure.Item2.Reason, Is.EqualTo(reason));
            Assert.That(_server.Requests.Select(r => r.Body), Has.All.Contains("\"c2\""), "only the valid request was sent");
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Initialize_SessionIdNotVisibleAscii_Fails31010AndIsNeverSentBack(CancellationToken cancellationToken)
    {
        _server.Handler = (context, seen) => seen.Body.Contains("\"initialize\"", StringComparison.Ordinal)
            ? Json(context, 200, """{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","capabilities":{},"serverInfo":{"name":"s","version":"1"}}}""", ("Mcp-Session-Id", "sess 42"))
            : Json(context, 200, """{"jsonrpc":"2.0","id":2,"result":{}}""");
        await using var rig = Open();

        await rig.SendAsync(Initialize, cancellationToken);
        var failure = await rig.NextFailureAsync(cancellationToken);
        await rig.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"ping"}""", cancellationToken);
        await rig.ReadAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(failure, Is.EqualTo((JsonRpcId.FromNumber(1), GatewayErrors.UpstreamProtocolViolation)));
            Assert.That(_server.Requests.Select(r => r.Header("Mcp-Session-Id")), Is.All.Null);
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task SseEventIdNotVisibleAscii_NotUsedForResumption_CallFailsUpstreamExited(CancellationToken cancellationToken)
    {
        _server.Handler = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("id: e 1\nretry: 10\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\",\"data\":\"x\"}}\n\n", cancellationToken);
        };
        await using var rig = Open();

        await rig.SendAsync("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"x"}}""", cancellationToken);
        await rig.ReadAsync(cancellationToken);
        var failure = await rig.NextFailureAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(failure, Is.EqualTo((JsonRpcId.FromNumber(3), GatewayErrors.UpstreamExited)));
            Assert.That(_server.Requests.Select(r => r.Method), Is.EqualTo(new[] { "POST" }), "no GET carried the id back");
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task JsonBody_PrettyPrinted_BecomesOneFrame(CancellationToken cancellationToken)
    {
        _server.Handler = (context, _) => Json(context, 200, "{\r\n  \"jsonrpc\": \"2.0\",\n  \"id\": 5,\n  \"result\": { \"text\": \"a\\nb\" }\n}\n");
        await using var rig = Open();

        await rig.SendAsync("""{"jsonrpc":"2.0","id":5,"method":"ping"}""", cancellationToken);
        var answer = await rig.ReadAsync(cancellationToken);

        Assert.That(answer["result"]?["text"]?.GetValue<string>(), Is.EqualTo("a\nb"));
    }

    [Test]
    [CancelAfter(10000)]
    public async Task SseStreamClosedBeforeTheResponse_ResumedWithLastEventId_AndTheResponseDelivered(CancellationToken cancellationToken)
    {
        _server.Handler = async (context, seen) =>
        {
            context.Response.ContentType = "text/event-stream";
            if (seen.Method == "POST")
            {
                await context.Response.WriteAsync("id: e1\nretry: 50\ndata: \n\nid: e2\nevent: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\n", cancellationToken);
                await context.Response.WriteAsync("data: \"params\":{\"progressToken\":\"t\",\"progress\":1}}\n\n", cancellationToken);
                // The server closes the stream before the response (2025-11-25 lets it, to have the client poll).
                return;
            }

            await context.Response.WriteAsync("id: e3\ndata: {\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{\"done\":true}}\n\n", cancellationToken);
        };
        await using var rig = Open();

        await rig.SendAsync("""{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"slow","_meta":{"progressToken":"t"}}}""", cancellationToken);
        var progress = await rig.ReadAsync(cancellationToken);
        var answer = await rig.ReadAsync(cancellationToken);

        var resume = _server.Requests.Single(r => r.Method == "GET");
        Assert.Multiple(() =>
        {
            Assert.That(progress["params"]?["progress"]?.GetValue<int>(), Is.EqualTo(1), "a data field over two lines is one message");
            Assert.That(answer["result"]?["done"]?.GetValue<bool>(), Is.True);
            Assert.That(resume.Header("Last-Event-ID"), Is.EqualTo("e2"));
            Assert.That(rig.Failures, Is.Empty);
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task SseStreamEndsWithoutResponseOrEventIds_CallFailsUpstreamExited(CancellationToken cancellationToken)
    {
        _server.Handler = async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\",\"data\":\"x\"}}\n\n", cancellationToken);
        };
        await using var rig = Open();

        await rig.SendAsync("""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"x"}}""", cancellationToken);
        var log = await rig.ReadAsync(cancellationToken);
        var failure = await rig.NextFailureAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(log["method"]?.GetValue<string>(), Is.EqualTo("notifications/message"));
            Assert.That(failure, Is.EqualTo((JsonRpcId.FromNumber(3), GatewayErrors.UpstreamExited)));
        });
    }

    [TestCase(200, "text/html", "<html>oops</html>", -31010)]
    [TestCase(200, "application/json", "not json at all", -31010)]
    [TestCase(200, "application/json", "[1,2]", -31010)]
    [TestCase(202, null, "", -31010)]
    [TestCase(502, "text/html", "<html>bad gateway</html>", -31007)]
    [TestCase(401, "application/json", """{"jsonrpc":"2.0","id":null,"error":{"code":401,"message":"no key"}}""", -31007)]
    [TestCase(504, "text/plain", "upstream of upstream timed out", -31008)]
    [CancelAfter(10000)]
    public async Task Response_NoAnswerForTheCall_CallFailsWithContractCode(int status, string? contentType, string body, int code, CancellationToken cancellationToken)
    {
        _server.Handler = async (context, _) =>
        {
            context.Response.StatusCode = status;
            if (contentType is not null)
            {
                context.Response.ContentType = contentType;
                await context.Response.WriteAsync(body, cancellationToken);
            }
        };
        await using var rig = Open();

        await rig.SendAsync("""{"jsonrpc":"2.0","id":4,"method":"tools/list"}""", cancellationToken);
        var (id, error) = await rig.NextFailureAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(id, Is.EqualTo(JsonRpcId.FromNumber(4)));
            Assert.That((int)error.Code, Is.EqualTo(code));
            Assert.That(rig.Frames, Is.Empty, "nothing the server sent is taken for an answer");
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task ErrorStatusWithJsonRpcErrorWithoutId_BoundToTheRequest(CancellationToken cancellationToken)
    {
        _server.Handler = (context, _) => Json(context, 400, """{"jsonrpc":"2.0","error":{"code":-32000,"message":"Bad Request: Server not initialized"},"id":null}""");
        await using var rig = Open();

        await rig.SendAsync("""{"jsonrpc":"2.0","id":"d","method":"server/discover","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}""", cancellationToken);
        var answer = await rig.ReadAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(answer["id"]?.GetValue<string>(), Is.EqualTo("d"));
            Assert.That(answer["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-32000));
            Assert.That(answer["error"]?["message"]?.GetValue<string>(), Is.EqualTo("Bad Request: Server not initialized"));
        });
    }

    [Test]
    [CancelAfter(10000)]
    public async Task ServerForgetsTheSession_404_CallFailsAndTheChannelEnds(CancellationToken cancellationToken)
    {
        _server.Handler = (context, seen) => seen.Body.Contains("\"initialize\"", StringComparison.Ordinal)
            ? Json(context, 200, """{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-11-25","capabilities":{},"serverInfo":{"name":"s","version":"1"}}}""", ("Mcp-Session-Id", "gone-soon"))
            : Json(context, 404, """{"jsonrpc":"2.0","error":{"code":-32001,"message":"Session not found"},"id":null}""");
        await using var rig = Open();

        await rig.SendAsync(Initialize, cancellationToken);
        await rig.ReadAsync(cancellationToken);
        await rig.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"tools/list"}""", cancellationToken);
        var failure = await rig.NextFailureAsync(cancellationToken);
        await rig.Ended.WaitAsync(cancellationToken);

        Assert.That(failure, Is.EqualTo((JsonRpcId.FromNumber(2), GatewayErrors.UpstreamExited)));
    }

    [Test]
    [CancelAfter(15000)]
    public async Task NothingListens_CallFailsUnavailableAfterTheRetries(CancellationToken cancellationToken)
    {
        var port = Infrastructure.OidcProvider.FreePort();
        await using var rig = Open(url: new Uri($"http://127.0.0.1:{port}/mcp"), retries: 2);

        await rig.SendAsync("""{"jsonrpc":"2.0","id":1,"method":"ping"}""", cancellationToken);
        var failure = await rig.NextFailureAsync(cancellationToken);

        Assert.That(failure, Is.EqualTo((JsonRpcId.FromNumber(1), GatewayErrors.UpstreamUnavailable)));
    }

    [Test]
    [CancelAfter(10000)]
    public async Task ServerHangs_CallFailsTimedOut(CancellationToken cancellationToken)
    {
        _server.Handler = (context, _) => Task.Delay(Timeout.Infinite, context.RequestAborted);
        await using var rig = Open(requestTimeout: TimeSpan.FromMilliseconds(300));

        await rig.SendAsync("""{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"hang"}}""", cancellationToken);
        var failure = await rig.NextFailureAsync(cancellationToken);

        Assert.That(failure, Is.EqualTo((JsonRpcId.FromNumber(6), GatewayErrors.UpstreamTimedOut)));
    }

    private ChannelRig Open(IReadOnlyDictionary<string, EnvironmentValue>? headers = null, Uri? url = null, int retries = 0, TimeSpan? requestTimeout = null)
    {
        var settings = new HttpConnectionSettings
        {
            Name = "scripted",
            Url = url ?? _server.Url,
            Headers = headers ?? new Dictionary<string, EnvironmentValue>(),
            ConnectRetries = retries,
            ConnectTimeout = TimeSpan.FromSeconds(2),
            RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(30),
        };
        var client = new HttpUpstreamClient(settings, FrameLimits.Default, TimeProvider.System, NullLogger.Instance);
        return new ChannelRig(client, HttpUpstreamChannel.Open(client));
    }

    private static async Task Json(HttpContext context, int status, string body, params (string Name, string Value)[] headers)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.WriteAsync(body);
    }

    private static Task Status(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    private static async Task WaitForAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>The channel as the session core sees it: messages written to its sink, messages and failed calls delivered to the inlet.</summary>
    private sealed class ChannelRig : IAsyncDisposable, IUpstreamInlet
    {
        private readonly HttpUpstreamClient _client;
        private readonly BlockingCollection<(JsonRpcId, GatewayError)> _failures = [];
        private readonly Channel<JsonObject> _messages = System.Threading.Channels.Channel.CreateUnbounded<JsonObject>();
        private readonly CancellationTokenSource _session = new();

        public ChannelRig(HttpUpstreamClient client, HttpUpstreamChannel channel)
        {
            _client = client;
            Channel = channel;
            Ended = RunAsync();
        }

        public HttpUpstreamChannel Channel { get; }

        /// <summary>Completes when the channel says its upstream ended for this session.</summary>
        public Task Ended { get; }

        public List<JsonObject> Frames { get; } = [];

        public BlockingCollection<(JsonRpcId, GatewayError)> Failures => _failures;

        public async Task SendAsync(string line, CancellationToken cancellationToken)
        {
            var message = Encoding.UTF8.GetBytes(line);
            Assert.That(new EnvelopeScanner(FrameLimits.Default).Scan(new ReadOnlySequence<byte>(message), out var envelope), Is.Null, "the core sends only messages that passed the scan");
            var sink = Channel.Messages.Sink;
            Assert.That(await sink.WriteAloneAsync((message, envelope), static (s, m) => s.WriteFrame(new ReadOnlySequence<byte>(m.message), m.envelope), cancellationToken), Is.True);
        }

        public async Task<JsonObject> ReadAsync(CancellationToken cancellationToken)
        {
            if (!await _messages.Reader.WaitToReadAsync(cancellationToken) || !_messages.Reader.TryRead(out var frame))
            {
                throw new EndOfStreamException("the channel ended");
            }

            Frames.Add(frame);
            return frame;
        }

        public async Task<(JsonRpcId, GatewayError)> NextFailureAsync(CancellationToken cancellationToken) =>
            await Task.Run(() => _failures.Take(cancellationToken), cancellationToken);

        ValueTask<bool> ISessionInlet.DeliverAsync(ReadOnlySequence<byte> message, FrameEnvelope envelope, GatewayError? invalid, CancellationToken cancellationToken)
        {
            var line = Encoding.UTF8.GetString(message);
            Assert.That(line, Does.Not.Contain("\r").And.Not.Contain("\n"));
            var rescanned = new EnvelopeScanner(FrameLimits.Default).Scan(message, out var expected);
            Assert.That((invalid, envelope), Is.EqualTo((rescanned, expected)), "the channel hands over what its one scan found");
            _messages.Writer.TryWrite(JsonNode.Parse(line)!.AsObject());
            return ValueTask.FromResult(true);
        }

        ValueTask<bool> IUpstreamInlet.DeliverAsync(ReadOnlySequence<byte> message, FrameEnvelope envelope, GatewayError? invalid, long answers, CancellationToken cancellationToken) =>
            ((ISessionInlet)this).DeliverAsync(message, envelope, invalid, cancellationToken);

        long IUpstreamInlet.Forwarding(JsonRpcId id) => 1;

        void IUpstreamInlet.FailRequest(JsonRpcId id, long generation, GatewayError error) => _failures.Add((id, error));

        public async ValueTask DisposeAsync()
        {
            await _session.CancelAsync();
            await Ended;
            await Channel.DisposeAsync();
            _client.Dispose();
            _failures.Dispose();
            _session.Dispose();
        }

        private async Task RunAsync()
        {
            await Channel.Messages.RunAsync(this, _session.Token);
            _messages.Writer.TryComplete();
        }
    }
}
