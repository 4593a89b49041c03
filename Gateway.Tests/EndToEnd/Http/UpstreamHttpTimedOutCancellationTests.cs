using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Core.Sessions;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using McpGateway.Tests.Upstreams;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace McpGateway.Tests.EndToEnd.Http;

/// <summary>
/// Through a real gateway session with an <c>http</c> upstream: a call the gateway times out because its exchange's own
/// deadline fired (before the session's sweep saw it) is cancelled upstream, as one the sweep times out: the server
/// gets <c>notifications/cancelled</c> for its id. The gateway's clock is a manual one.
/// </summary>
[TestFixture]
internal sealed class UpstreamHttpTimedOutCancellationTests
{
    private const string Connection = "spy";

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    [Test]
    [CancelAfter(20000)]
    public async Task ExchangeDeadline_FiresBeforeTheSweep_UpstreamGetsCancelledForTheId(CancellationToken cancellationToken)
    {
        var clock = new ManualTimeProvider();
        var hanging = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ScriptedHttpUpstream.StartAsync(cancellationToken);
        server.Handler = async (context, seen) =>
        {
            var body = JsonNode.Parse(seen.Body);
            if (body?["method"]?.GetValue<string>() == "notifications/cancelled")
            {
                cancelled.TrySetResult(body);
            }

            if (body?["id"] is not { } rpcId)
            {
                context.Response.StatusCode = StatusCodes.Status202Accepted;
                return;
            }

            if (seen.Body.Contains("\"hang\"", StringComparison.Ordinal))
            {
                hanging.TrySetResult();
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"jsonrpc\":\"2.0\",\"id\":" + rpcId.ToJsonString() + ",\"result\":{}}");
        };
        await using var gateway = await GatewayHarness.StartAsync(
            GatewayHarness.Settings(new HttpConnectionSettings { Name = Connection, Url = server.Url, RequestTimeout = RequestTimeout }),
            cancellationToken,
            services => services.AddSingleton<TimeProvider>(clock));
        await using var client = await gateway.ConnectAsync(Connection, cancellationToken);
        await client.InitializeAsync(cancellationToken);

        // The sweep looks every Interval from the clock's start; a call forwarded a fraction of an Interval later times
        // out between two sweeps, so the exchange's deadline (the same request timeout) is what fires first.
        var offset = SessionSweeper.Interval / 2;
        clock.Advance(offset);
        await client.SendAsync("""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"hang"}}""", cancellationToken);
        await hanging.Task.WaitAsync(cancellationToken);
        clock.Advance(RequestTimeout);
        var timedOut = await client.ReadAsync(cancellationToken);
        var cancellation = await cancelled.Task.WaitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(timedOut["id"]?.GetValue<int>(), Is.EqualTo(7), timedOut.ToJsonString());
            Assert.That(timedOut["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-31008), timedOut.ToJsonString());
            Assert.That(cancellation["params"]?["requestId"]?.GetValue<int>(), Is.EqualTo(7), cancellation.ToJsonString());
            Assert.That(cancellation["params"]?["reason"]?.GetValue<string>(), Is.EqualTo(CancellationFrame.TimedOut), cancellation.ToJsonString());
        });
    }
}
