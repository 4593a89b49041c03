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
/// Through a real gateway session with an <c>http</c> upstream: a call whose exchange timed out (-31008) keeps its id
/// taken for one more request timeout, as over NDJSON, whichever of the exchange's deadline and the session's sweep
/// comes first: the server never answered it and may still do so on another stream. The gateway's clock is a manual one.
/// </summary>
[TestFixture]
internal sealed class UpstreamHttpTimedOutIdTests
{
    private const string Connection = "spy";

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    [Test]
    [CancelAfter(20000)]
    public async Task TimedOutId_Reused_IdInUseUntilTheTombstoneExpiresThenItsOwnAnswer(CancellationToken cancellationToken)
    {
        var clock = new ManualTimeProvider();
        var hanging = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ScriptedHttpUpstream.StartAsync(cancellationToken);
        server.Handler = async (context, seen) =>
        {
            if (JsonNode.Parse(seen.Body)?["id"] is not { } rpcId)
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
            await context.Response.WriteAsync("{\"jsonrpc\":\"2.0\",\"id\":" + rpcId.ToJsonString() + ",\"result\":{\"own\":true}}");
        };
        await using var gateway = await GatewayHarness.StartAsync(
            GatewayHarness.Settings(new HttpConnectionSettings { Name = Connection, Url = server.Url, RequestTimeout = RequestTimeout }),
            cancellationToken,
            services => services.AddSingleton<TimeProvider>(clock));
        await using var client = await gateway.ConnectAsync(Connection, cancellationToken);
        await client.InitializeAsync(cancellationToken);

        await client.SendAsync("""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"hang"}}""", cancellationToken);
        await hanging.Task.WaitAsync(cancellationToken);
        clock.Advance(RequestTimeout + SessionSweeper.Interval);
        var timedOut = await client.ReadAsync(cancellationToken);
        await client.SendAsync("""{"jsonrpc":"2.0","id":7,"method":"ping"}""", cancellationToken);
        var whileTombstoneLives = await client.ReadAsync(cancellationToken);
        clock.Advance(RequestTimeout + SessionSweeper.Interval);
        await client.SendAsync("""{"jsonrpc":"2.0","id":7,"method":"ping"}""", cancellationToken);
        var afterTombstone = await client.ReadAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(timedOut["error"]?["code"]?.GetValue<int>(), Is.EqualTo(-31008), timedOut.ToJsonString());
            Assert.That(whileTombstoneLives["error"]?["data"]?["reason"]?.GetValue<string>(), Is.EqualTo("id_in_use"), whileTombstoneLives.ToJsonString());
            Assert.That(whileTombstoneLives["error"]?["data"]?["rpcId"]?.GetValue<int>(), Is.EqualTo(7), whileTombstoneLives.ToJsonString());
            Assert.That(afterTombstone["id"]?.GetValue<int>(), Is.EqualTo(7), afterTombstone.ToJsonString());
            Assert.That(afterTombstone["result"]?["own"]?.GetValue<bool>(), Is.True, afterTombstone.ToJsonString());
        });
    }
}
