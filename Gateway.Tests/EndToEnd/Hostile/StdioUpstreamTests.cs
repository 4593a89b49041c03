using System.Globalization;
using System.Text.Json.Nodes;
using McpGateway.Core.Configuration;
using McpGateway.Core.Framing;
using McpGateway.Tests.EndToEnd.Support;
using McpGateway.Tests.Infrastructure;
using static McpGateway.Tests.EndToEnd.Hostile.HostileWire;

namespace McpGateway.Tests.EndToEnd.Hostile;

/// <summary>
/// A stdio server that misbehaves (<c>peers/hostile-stdio-server.mjs</c>), through the real listener: one that floods
/// its stdout, one that writes its answer in small pieces or a line over the upstream limit, one that dies in the
/// middle of a line, one that stops reading its stdin. The upstream limit is 64 KiB here, so the gateway's read-ahead
/// of stdout (the limit plus a few reads) fills and drains many times in each test.
/// </summary>
[TestFixture]
internal sealed class StdioUpstreamTests
{
    private const int UpstreamLimit = 64 * 1024;

    private static string Script => Path.Combine(RepoPaths.Peers, "hostile-stdio-server.mjs");

    [Test]
    [CancelAfter(60000)]
    public async Task ToolsCall_ServerFloodsTwentyThousandNotifications_AllArriveInOrderThenTheResult(CancellationToken cancellationToken)
    {
        const int count = 20_000;
        await using var gateway = await StartAsync(cancellationToken, Hostile("flood"));
        await using var client = await gateway.ConnectAsync("flood", cancellationToken);
        await client.InitializeAsync(cancellationToken);

        var notifications = new List<JsonObject>();
        var answer = await client.RequestAsync("flood-1", "tools/call", Call(new JsonObject { ["count"] = count }), cancellationToken, notifications);
        var pong = await client.RequestAsync("after-flood", "ping", null, cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(Text(answer), Is.EqualTo($"flooded {count}"), answer.ToJsonString());
            Assert.That(
                notifications.Select(n => (string?)n["params"]?["data"]),
                Is.EqualTo(Enumerable.Range(0, count).Select(i => string.Create(CultureInfo.InvariantCulture, $"flood {i}"))),
                "every notification once, in the order written");
            Assert.That(pong["result"], Is.Not.Null, pong.ToJsonString());
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task ToolsCall_ResultWrittenThreeHundredBytesAtATime_ArrivesWhole(CancellationToken cancellationToken)
    {
        const int bytes = UpstreamLimit - 4096;
        await using var gateway = await StartAsync(cancellationToken, Hostile("drip"));
        await using var client = await gateway.ConnectAsync("drip", cancellationToken);
        await client.InitializeAsync(cancellationToken);

        var answer = await client.RequestAsync("drip-1", "tools/call", Call(new JsonObject { ["bytes"] = bytes }), cancellationToken);

        Assert.That(Text(answer), Is.EqualTo(new string('d', bytes)));
    }

    [Test]
    [CancelAfter(30000)]
    public async Task ToolsCall_ServerWritesLineOverUpstreamLimit_CallFailsOnceAndSessionEnds(CancellationToken cancellationToken)
    {
        await using var gateway = await StartAsync(cancellationToken, Hostile("huge"));
        await using var client = await gateway.ConnectAsync("huge", cancellationToken);
        await client.InitializeAsync(cancellationToken);

        await client.SendAsync(ToolsCall("huge-1", new JsonObject { ["bytes"] = 4 * UpstreamLimit }), cancellationToken);
        var first = await client.ReadLineAsync(cancellationToken);
        var rest = await ReadToEndAsync(client, cancellationToken);

        AssertGatewayError(first!, -31010, "upstream_frame_too_large", "huge-1");
        Assert.That(rest, Is.Empty, "the call fails once, then the session ends");
    }

    [Test]
    [CancelAfter(30000)]
    public async Task ToolsCall_ServerDiesInTheMiddleOfALine_CallGetsUpstreamExitedOnceAndSessionEnds(CancellationToken cancellationToken)
    {
        await using var gateway = await StartAsync(cancellationToken, Hostile("dies"));
        await using var client = await gateway.ConnectAsync("dies", cancellationToken);
        await client.InitializeAsync(cancellationToken);

        await client.SendAsync(ToolsCall("dies-1", []), cancellationToken);
        var first = await client.ReadLineAsync(cancellationToken);
        var rest = await ReadToEndAsync(client, cancellationToken);

        AssertGatewayError(first!, -31007, "upstream_exited", "dies-1");
        Assert.That(rest, Is.Empty, "half a line is never relayed; the session ends");
    }

    [Test]
    [CancelAfter(30000)]
    public async Task ToolsCall_ServerStopsReadingStdin_CallTimesOutOtherSessionsWorkAndServerStopsWithTheSession(CancellationToken cancellationToken)
    {
        var pidFile = Path.Combine(Path.GetTempPath(), $"mcpgw-deaf-{Guid.NewGuid():N}.pid");
        try
        {
            await using var gateway = await StartAsync(cancellationToken, Hostile("deaf", pidFile) with { RequestTimeout = TimeSpan.FromSeconds(1) }, Hostile("flood"));
            var deaf = await gateway.ConnectAsync("deaf", cancellationToken);
            await deaf.InitializeAsync(cancellationToken);
            var pid = int.Parse(await File.ReadAllTextAsync(pidFile, cancellationToken), CultureInfo.InvariantCulture);

            // Far more than a pipe holds: the gateway's write to the server's stdin cannot finish.
            await deaf.SendAsync(ToolsCall("deaf-1", new JsonObject { ["padding"] = new string('p', 1024 * 1024) }), cancellationToken);
            var timeout = await deaf.ReadLineAsync(cancellationToken);
            await using (var other = await gateway.ConnectAsync("flood", cancellationToken))
            {
                await other.InitializeAsync(cancellationToken);
                var answer = await other.RequestAsync("other-1", "tools/call", Call(new JsonObject { ["count"] = 3 }), cancellationToken);
                Assert.That(Text(answer), Is.EqualTo("flooded 3"), "another session is served meanwhile");
            }

            await deaf.DisposeAsync();
            var stopped = await Eventually.TrueAsync(() => !Directory.Exists($"/proc/{pid}"), TimeSpan.FromSeconds(10), cancellationToken);

            AssertGatewayError(timeout!, -31008, "upstream_timeout", "deaf-1");
            Assert.That(stopped, Is.True, $"the server (pid {pid}) is stopped when its session ends");
        }
        finally
        {
            File.Delete(pidFile);
        }
    }

    private static StdioConnectionSettings Hostile(string mode, string? pidFile = null) => new()
    {
        Name = mode,
        Command = "node",
        Args = pidFile is null ? [Script, mode] : [Script, mode, pidFile],
    };

    private static Task<GatewayHarness> StartAsync(CancellationToken cancellationToken, params ConnectionSettings[] connections) =>
        GatewayHarness.StartAsync(GatewayHarness.Settings(connections) with { UpstreamLimits = new FrameLimits(UpstreamLimit) }, cancellationToken);

    private static JsonObject Call(JsonObject arguments) => new() { ["name"] = "hostile", ["arguments"] = arguments };

    private static string ToolsCall(string id, JsonObject arguments) =>
        new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["method"] = "tools/call", ["params"] = Call(arguments) }.ToJsonString();

    private static string? Text(JsonObject answer) => (string?)answer["result"]?["content"]?[0]?["text"];

    private static async Task<List<string>> ReadToEndAsync(RawMcpClient client, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        while (await client.ReadLineAsync(cancellationToken) is { } line)
        {
            lines.Add(line);
        }

        return lines;
    }
}
