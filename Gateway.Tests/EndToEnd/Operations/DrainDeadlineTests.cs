using System.Text.Json.Nodes;
using McpGateway.Tests.EndToEnd.Support;

namespace McpGateway.Tests.EndToEnd.Operations;

/// <summary>StopAsync with a call that outlasts <c>shutdownTimeout</c>: the call is answered with -31007, never lost.</summary>
[TestFixture]
internal sealed class DrainDeadlineTests
{
    [Test]
    [CancelAfter(30000)]
    public async Task StopAsync_CallOutlastsShutdownTimeout_CallGets31007GatewayShuttingDown(CancellationToken cancellationToken)
    {
        var settings = GatewayHarness.Settings(GatewayHarness.Everything()) with { ShutdownTimeout = TimeSpan.FromSeconds(1) };
        var gateway = await GatewayHarness.StartAsync(settings, cancellationToken);
        await using var client = await gateway.ConnectAsync("everything", cancellationToken);
        await client.InitializeAsync(cancellationToken);
        await client.SendAsync(new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = 5,
            ["method"] = "tools/call",
            ["params"] = new JsonObject
            {
                ["name"] = "trigger-long-running-operation",
                ["arguments"] = new JsonObject { ["duration"] = 10, ["steps"] = 1 },
            },
        }, cancellationToken);
        await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);

        var stopping = gateway.DisposeAsync().AsTask();
        var answer = await client.ReadResponseAsync(5, cancellationToken);
        var closed = await client.IsClosedByGatewayAsync(cancellationToken);
        await stopping.WaitAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That((int?)answer["error"]?["code"], Is.EqualTo(-31007), answer.ToJsonString());
            Assert.That((string?)answer["error"]?["data"]?["reason"], Is.EqualTo("gateway_shutting_down"));
            Assert.That(closed, Is.True);
        });
    }
}
