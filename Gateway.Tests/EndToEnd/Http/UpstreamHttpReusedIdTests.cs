using System.Text;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Upstreams;
using Microsoft.AspNetCore.Http;

namespace McpGateway.Tests.EndToEnd.Http;

/// <summary>
/// Through a real gateway session with an <c>http</c> upstream: a call's exchange (its POST) stays bound to that call.
/// Once the call was answered (here by an answer the server sent on another call's stream) its client may reuse the id;
/// what the first POST does afterwards (fail, or answer late) never reaches the request that reused the id.
/// </summary>
[TestFixture]
internal sealed class UpstreamHttpReusedIdTests
{
    private const string Connection = "spy";

    private ScriptedHttpUpstream _server = null!;
    private GatewayHarness _gateway = null!;
    private Script _script = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        _server = await ScriptedHttpUpstream.StartAsync(timeout.Token);
        _server.Handler = (context, seen) => _script.HandleAsync(context, seen);
        _gateway = await GatewayHarness.StartAsync(timeout.Token, new HttpConnectionSettings { Name = Connection, Url = _server.Url });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _gateway.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Test]
    [CancelAfter(20000)]
    public async Task ReusedId_FirstExchangeFailsLate_RequestReusingTheIdGetsItsOwnAnswer(CancellationToken cancellationToken)
    {
        // The first POST now answers with a body that is no MCP message: its exchange fails, and the gateway gives up
        // the response unread (the server sees the request end only after that failure).
        _script = new Script(async first =>
        {
            first.Response.ContentType = "text/plain";
            await first.Response.WriteAsync("late failure", first.RequestAborted);
            await first.Response.Body.FlushAsync(first.RequestAborted);
            await Task.Delay(Timeout.Infinite, first.RequestAborted);
        });
        await using var client = await ReuseIdAsync(cancellationToken);

        await _script.FirstClosed.Task.WaitAsync(cancellationToken);
        _script.AnswerSecond.SetResult();
        var second = await client.ReadResponseAsync("x", cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(second["error"], Is.Null, "the first exchange's failure is not the second request's: " + second.ToJsonString());
            Assert.That(second["result"]?["which"]?.GetValue<string>(), Is.EqualTo("second"), second.ToJsonString());
        });
    }

    [Test]
    [CancelAfter(20000)]
    public async Task ReusedId_FirstExchangeAnswersLate_RequestReusingTheIdNeverGetsThatAnswer(CancellationToken cancellationToken)
    {
        // The first POST answers late on its own stream (and keeps the stream open: the gateway ends it once answered).
        _script = new Script(async first =>
        {
            first.Response.ContentType = "text/event-stream";
            await Script.WriteEventAsync(first, """{"jsonrpc":"2.0","id":"x","result":{"which":"first, late"}}""");
            await Task.Delay(Timeout.Infinite, first.RequestAborted);
        });
        await using var client = await ReuseIdAsync(cancellationToken);

        // The gateway closed the first POST once it had handled that answer; only then may the second be answered.
        await _script.FirstClosed.Task.WaitAsync(cancellationToken);
        _script.AnswerSecond.SetResult();
        var second = await client.ReadResponseAsync("x", cancellationToken);

        Assert.That(second["result"]?["which"]?.GetValue<string>(), Is.EqualTo("second"), second.ToJsonString());
    }

    /// <summary>
    /// Calls "first" as id x; the server answers x on the stream of another call; the client then reuses x for "second",
    /// and the server lets the first POST go on (<see cref="Script"/>) once the second has arrived.
    /// </summary>
    private async Task<RawMcpClient> ReuseIdAsync(CancellationToken cancellationToken)
    {
        var client = await _gateway.ConnectAsync(Connection, cancellationToken);
        await client.InitializeAsync(cancellationToken);

        await client.SendAsync("""{"jsonrpc":"2.0","id":"x","method":"tools/call","params":{"name":"first"}}""", cancellationToken);
        await _script.FirstArrived.Task.WaitAsync(cancellationToken);
        var answeredElsewhere = await client.RequestAsync("trigger", "ping", null, cancellationToken, others: []);
        Assert.That(answeredElsewhere["result"], Is.Not.Null, answeredElsewhere.ToJsonString());

        await client.SendAsync("""{"jsonrpc":"2.0","id":"x","method":"tools/call","params":{"name":"second"}}""", cancellationToken);
        return client;
    }

    /// <summary>What the spy server does with each POST of one test.</summary>
    private sealed class Script(Func<HttpContext, Task> goOnWithFirst)
    {
        public TaskCompletionSource FirstArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource FirstClosed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);


        public TaskCompletionSource AnswerSecond { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private TaskCompletionSource SecondArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public static async Task WriteEventAsync(HttpContext context, string json)
        {
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes("event: message\ndata: " + json + "\n\n"), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }

        public async Task HandleAsync(HttpContext context, SeenRequest seen)
        {
            if (!HttpMethods.IsPost(context.Request.Method))
            {
                // No GET stream.
                context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                return;
            }

            var message = JsonNode.Parse(seen.Body)!.AsObject();
            var id = message["id"]?.ToJsonString();
            switch ((message["method"]?.GetValue<string>(), message["params"]?["name"]?.GetValue<string>()))
            {
                case (_, _) when id is null:
                    context.Response.StatusCode = StatusCodes.Status202Accepted;
                    return;
                case ("tools/call", "first"):
                    await FirstAsync(context);
                    return;
                case ("ping", _):
                    // The answer to "first" (id x) arrives on this call's stream, before this call's own answer.
                    StartStream(context);
                    await WriteEventAsync(context, """{"jsonrpc":"2.0","id":"x","result":{"which":"first, elsewhere"}}""");
                    await WriteEventAsync(context, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{}}");
                    return;
                case ("tools/call", "second"):
                    SecondArrived.SetResult();
                    await AnswerSecond.Task.WaitAsync(context.RequestAborted);
                    await WriteJsonAsync(context, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"which\":\"second\"}}");
                    return;
                default:
                    await WriteJsonAsync(context, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{}}");
                    return;
            }
        }

        private static void StartStream(HttpContext context)
        {
            context.Response.ContentType = "text/event-stream";
        }

        private static async Task WriteJsonAsync(HttpContext context, string json)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(json, context.RequestAborted);
        }

        private async Task FirstAsync(HttpContext context)
        {
            // No response yet (not even its headers): the call stays open until the server goes on with it.
            using var closed = context.RequestAborted.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), FirstClosed);
            FirstArrived.SetResult();
            await SecondArrived.Task.WaitAsync(context.RequestAborted);
            try
            {
                await goOnWithFirst(context);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The gateway is done with this exchange.
            }
        }
    }
}
