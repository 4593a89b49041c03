using System.Globalization;
using System.Text;
using McpGateway.Tests.EndToEnd.Support;
using static McpGateway.Tests.EndToEnd.Hostile.HostileWire;

namespace McpGateway.Tests.EndToEnd.Hostile;

/// <summary>
/// A peer that does not drain stops the gateway reading the other side: what the other side manages to write stays
/// bounded by socket and pipe buffers instead of growing in the gateway, and nothing is lost or torn meanwhile.
/// </summary>
[TestFixture]
internal sealed class BackpressureTests
{
    private const long Bound = 32L * 1024 * 1024;
    private const int LineBytes = 1024;

    [Test]
    [CancelAfter(30000)]
    public async Task UpstreamFlood_ClientNotReadingTwoSeconds_UpstreamWritesBoundedThenLinesCompleteInOrder(CancellationToken cancellationToken)
    {
        await using var spy = SpyUpstream.Start(SpyBehavior.Flood(LineBytes));
        await using var gateway = await GatewayHarness.StartAsync(cancellationToken, GatewayHarness.Tcp("spy", spy.Port));
        await using var client = await gateway.ConnectAsync(null, cancellationToken);
        var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);

        await Task.Delay(1000, cancellationToken);
        var afterOne = upstream.BytesWritten;
        await Task.Delay(1000, cancellationToken);
        var afterTwo = upstream.BytesWritten;
        var lines = await ReadLinesAsync(client, 500, cancellationToken);

        await TestContext.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"upstream flood, client not reading: {afterOne:N0} bytes written after 1 s, {afterTwo:N0} after 2 s ({afterTwo / LineBytes:N0} notifications of {LineBytes} bytes)"));
        var sequences = lines.Select(l => (long?)Parse(l)["params"]?["seq"]).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(afterTwo, Is.LessThan(Bound), "the gateway buffered without limit");
            Assert.That(afterTwo - afterOne, Is.LessThan(1024 * 1024), "the flood kept going while the client did not read");
            Assert.That(lines.Select(l => Encoding.UTF8.GetByteCount(l) + 1), Is.All.EqualTo(LineBytes), "every line arrives whole");
            Assert.That(lines.Select(l => (string?)Parse(l)["method"]), Is.All.EqualTo("notifications/message"));
            Assert.That(sequences, Is.EqualTo(Enumerable.Range(0, lines.Count).Select(i => (long?)i)), "in order, none lost");
        });
    }

    [Test]
    [CancelAfter(30000)]
    public async Task ClientFlood_UpstreamNotReading_ClientWritesStallBoundedThenAllArriveInOrder(CancellationToken cancellationToken)
    {
        const int RequestsPerWrite = 64;
        await using var spy = SpyUpstream.Start(SpyBehavior.Stall);
        var settings = GatewayHarness.Settings(GatewayHarness.Tcp("spy", spy.Port)) with { MaxPendingRequests = 1_000_000 };
        await using var gateway = await GatewayHarness.StartAsync(settings, cancellationToken);
        await using var client = await gateway.ConnectAsync(null, cancellationToken);

        long written = 0;
        var requests = 0;
        Task? stalled = null;
        while (written < 2 * Bound)
        {
            var chunk = Requests(requests, RequestsPerWrite);
            var write = client.Stream.WriteAsync(chunk, cancellationToken).AsTask();
            requests += RequestsPerWrite;
            if (await Task.WhenAny(write, Task.Delay(1000, cancellationToken)) != write)
            {
                stalled = write;
                break;
            }

            written += chunk.Length;
        }

        var upstream = await spy.WaitForConnectionAsync(0, cancellationToken);
        var receivedWhileStalled = upstream.Lines.Count;
        await TestContext.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"client flood, upstream not reading: client writes stalled after {written:N0} bytes ({written / LineBytes:N0} requests of {LineBytes} bytes)"));
        Assert.Multiple(() =>
        {
            Assert.That(stalled, Is.Not.Null, "the client could write without limit");
            Assert.That(written, Is.LessThan(Bound));
            Assert.That(receivedWhileStalled, Is.Zero);
        });

        spy.ResumeReading();
        await stalled!.WaitAsync(cancellationToken);
        await upstream.WaitForLineCountAsync(requests, cancellationToken);

        var lines = upstream.Lines;
        Assert.Multiple(() =>
        {
            Assert.That(lines, Has.Count.EqualTo(requests));
            Assert.That(lines.Select(l => l.Bytes.Length + 1), Is.All.EqualTo(LineBytes), "every request arrives whole");
            Assert.That(lines.Select(l => l.RawId), Is.EqualTo(Enumerable.Range(0, requests).Select(i => i.ToString(CultureInfo.InvariantCulture))), "in order, none lost");
        });
    }

    // ping requests of exactly LineBytes bytes (newline included), ids counting up from first.
    private static byte[] Requests(int first, int count)
    {
        var builder = new StringBuilder(count * LineBytes);
        for (var id = first; id < first + count; id++)
        {
            var head = string.Create(CultureInfo.InvariantCulture, $"{{\"jsonrpc\":\"2.0\",\"id\":{id},\"method\":\"ping\",\"params\":{{\"_meta\":{{\"pad\":\"");
            const string Tail = "\"}}}\n";
            builder.Append(head).Append('x', LineBytes - head.Length - Tail.Length).Append(Tail);
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }
}
