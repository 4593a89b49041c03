using System.Buffers;
using System.Text;
using System.Threading.Channels;
using McpGateway.Core.Framing;
using McpGateway.Core.Upstreams.Http;

namespace McpGateway.Tests.Upstreams;

/// <summary>The HTTP upstream's side of the message seam: messages queued with their envelopes, and a full queue slowing the session down.</summary>
[TestFixture]
internal sealed class HttpUpstreamSinkTests
{
    private static readonly byte[] Ping = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo"}}""");

    [Test]
    [CancelAfter(5000)]
    public async Task WriteFrame_Message_QueuedAsACopyWithItsEnvelope(CancellationToken cancellationToken)
    {
        var queue = Channel.CreateUnbounded<(byte[] Body, FrameEnvelope Envelope, long Generation)>();
        using var room = new SemaphoreSlim(4, int.MaxValue);
        using var closing = new CancellationTokenSource();
        using var sink = new HttpUpstreamSink(queue.Writer, room, Forwarding, closing.Token);
        var buffer = (byte[])Ping.Clone();
        var envelope = Scan(buffer);

        await sink.EnterAsync(cancellationToken);
        sink.WriteFrame(new ReadOnlySequence<byte>(buffer), envelope);
        var flushed = await sink.FlushAsync(cancellationToken);
        sink.Exit();
        buffer.AsSpan().Clear();

        Assert.That(flushed, Is.True);
        Assert.That(queue.Reader.TryRead(out var queued), Is.True);
        Assert.That(queued.Body, Is.EqualTo(Ping), "the sink keeps a copy: the core's buffer is borrowed");
        Assert.That(queued.Envelope, Is.EqualTo(envelope));
        Assert.That(queued.Envelope.Target.GetString(queued.Body), Is.EqualTo("echo"));
        Assert.That(queued.Generation, Is.EqualTo(Forwarding(JsonRpcId.FromNumber(1))), "a request takes the session's word for which request it is");
    }

    [Test]
    [CancelAfter(5000)]
    public async Task FlushAsync_MoreMessagesThanRoom_WaitsUntilTheChannelTakesOne(CancellationToken cancellationToken)
    {
        var queue = Channel.CreateUnbounded<(byte[] Body, FrameEnvelope Envelope, long Generation)>();
        using var room = new SemaphoreSlim(1, int.MaxValue);
        using var closing = new CancellationTokenSource();
        using var sink = new HttpUpstreamSink(queue.Writer, room, Forwarding, closing.Token);
        var envelope = Scan(Ping);

        await sink.EnterAsync(cancellationToken);
        sink.WriteFrame(new ReadOnlySequence<byte>(Ping), envelope);
        sink.WriteFrame(new ReadOnlySequence<byte>(Ping), envelope);
        var flush = sink.FlushAsync(cancellationToken).AsTask();
        var waitedForRoom = !flush.IsCompleted;
        Assert.That(queue.Reader.TryRead(out _), Is.True);
        room.Release();
        var flushed = await flush;
        sink.Exit();

        Assert.That(waitedForRoom, Is.True, "the second message waits for the first to be taken");
        Assert.That(flushed, Is.True);
    }

    [Test]
    [CancelAfter(5000)]
    public async Task FlushAsync_CallerStopsWaitingWhileFull_ReturnsWithoutRoom(CancellationToken cancellationToken)
    {
        // A session that ends (or a bounded write of cancellations) must not wait for an upstream that stopped taking
        // messages: the flush ends with the caller's token, not only with the channel.
        var queue = Channel.CreateUnbounded<(byte[] Body, FrameEnvelope Envelope, long Generation)>();
        using var room = new SemaphoreSlim(0, int.MaxValue);
        using var closing = new CancellationTokenSource();
        using var sink = new HttpUpstreamSink(queue.Writer, room, Forwarding, closing.Token);
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        await sink.EnterAsync(cancellationToken);
        sink.WriteFrame(new ReadOnlySequence<byte>(Ping), Scan(Ping));
        var flush = sink.FlushAsync(caller.Token).AsTask();
        var waited = !flush.IsCompleted;
        await caller.CancelAsync();
        var flushed = await flush;
        sink.Exit();

        Assert.That(waited, Is.True, "no room: the flush waits");
        Assert.That(flushed, Is.False);
        Assert.That(closing.IsCancellationRequested, Is.False, "the channel itself is still open");
    }

    [Test]
    [CancelAfter(5000)]
    public async Task FlushAsync_ChannelClosingWhileFull_ReportsTheSideGone(CancellationToken cancellationToken)
    {
        var queue = Channel.CreateUnbounded<(byte[] Body, FrameEnvelope Envelope, long Generation)>();
        using var room = new SemaphoreSlim(0, int.MaxValue);
        using var closing = new CancellationTokenSource();
        using var sink = new HttpUpstreamSink(queue.Writer, room, Forwarding, closing.Token);

        await sink.EnterAsync(cancellationToken);
        sink.WriteFrame(new ReadOnlySequence<byte>(Ping), Scan(Ping));
        var flush = sink.FlushAsync(cancellationToken).AsTask();
        await closing.CancelAsync();
        var flushed = await flush;
        sink.Exit();

        Assert.That(flushed, Is.False);
        Assert.That(sink.IsClosed, Is.True);
    }

    private static long Forwarding(JsonRpcId id) => id == JsonRpcId.FromNumber(1) ? 41 : 0;

    private static FrameEnvelope Scan(byte[] message)
    {
        Assert.That(new EnvelopeScanner(FrameLimits.Default).Scan(new ReadOnlySequence<byte>(message), out var envelope), Is.Null);
        return envelope;
    }
}
