using System.Text;
using McpGateway.Core.Upstreams.Http;

namespace McpGateway.Tests.Upstreams;

/// <summary>
/// <see cref="SseEventReader"/>: the WHATWG event-stream rules, with the frame size limit enforced while reading. Every
/// stream is also read split at every byte offset, as a socket may deliver it.
/// </summary>
[TestFixture]
internal sealed class SseEventReaderTests
{
    private const int Limit = 64;

    [TestCase("data: {\"a\":1}\n\n", "message|{\"a\":1}")]
    [TestCase("data: {\"a\":1}\r\n\r\n", "message|{\"a\":1}")]
    [TestCase("data: {\"a\":1}\r\r", "message|{\"a\":1}")]
    [TestCase(": comment\nevent: ping\ndata: a\ndata: b\n\ndata: c\n\n", "ping|a\nb", "message|c")]
    [TestCase("id: 7\n\ndata: after\n\n", "message|after")]
    [TestCase("data: unfinished", new string[0])]
    [TestCase("data\n\n", "message|")]
    public void ReadAsync_Stream_EventsAsTheStandardReadsThem(string stream, params string[] expected)
    {
        foreach (var split in Splits(stream))
        {
            var (events, status, _) = ReadAll(split);

            Assert.That(events, Is.EqualTo(expected), $"split at {(split.Length > 1 ? split[0].Length : -1)}");
            Assert.That(status, Is.EqualTo(SseReadStatus.End));
        }
    }

    [Test]
    public void ReadAsync_ByteOrderMarkAtTheStart_Skipped()
    {
        byte[] stream = [0xEF, 0xBB, 0xBF, .. "data:x\n\n"u8];
        for (var i = 1; i < stream.Length; i++)
        {
            var (events, _, _) = ReadAll([stream[..i], stream[i..]]);

            Assert.That(events, Is.EqualTo(new[] { "message|x" }), $"split at {i}");
        }
    }

    [Test]
    public void ReadAsync_IdAndRetry_RememberedForResumption()
    {
        foreach (var split in Splits("id: ev-1\nretry: 1500\ndata: x\n\nid: ev\u00002\ndata: y\n\n"))
        {
            var (_, _, reader) = ReadAll(split);

            Assert.That(reader.LastEventId, Is.EqualTo("ev-1"), "an id containing NUL is ignored");
            Assert.That(reader.ReconnectionInterval, Is.EqualTo(TimeSpan.FromMilliseconds(1500)));
        }
    }

    [TestCase("data: ")]
    [TestCase("data: a\ndata: ")]
    [TestCase(": ")]
    [TestCase("id: ")]
    public void ReadAsync_LineOrEventPastTheLimit_TooLargeWithoutReadingOn(string prefix)
    {
        // One byte past what the limit allows, then a stream that would never end.
        var stream = new EndlessStream(Encoding.UTF8.GetBytes(prefix), (byte)'x');

        var (events, status, _) = ReadAll(stream);

        Assert.That(events, Is.Empty);
        Assert.That(status, Is.EqualTo(SseReadStatus.TooLarge));
        Assert.That(stream.Served, Is.LessThan(Limit + 64 + EndlessStream.Chunk * 2), "reading stopped at the limit");
    }

    [Test]
    public void ReadAsync_ManyShortDataLines_TooLargeOnceTheirSumPassesTheLimit()
    {
        var stream = new EndlessStream("data: {\n"u8.ToArray(), "data: 1,\n"u8.ToArray());

        var (_, status, _) = ReadAll(stream);

        Assert.That(status, Is.EqualTo(SseReadStatus.TooLarge));
    }

    [Test]
    public void ReadAsync_DataExactlyAtTheLimit_Delivered()
    {
        var data = new string('d', Limit);

        var (events, _, _) = ReadAll(new MemoryStream(Encoding.UTF8.GetBytes("data: " + data + "\n\n")));

        Assert.That(events, Is.EqualTo(new[] { "message|" + data }));
    }

    private static (List<string> Events, SseReadStatus Status, SseEventReader Reader) ReadAll(Stream stream)
    {
        var reader = new SseEventReader(stream, Limit);
        var events = new List<string>();
        while (true)
        {
            var status = reader.ReadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
            if (status != SseReadStatus.Event)
            {
                return (events, status, reader);
            }

            events.Add(reader.EventType + "|" + Encoding.UTF8.GetString(reader.Data));
        }
    }

    private static (List<string>, SseReadStatus, SseEventReader) ReadAll(byte[][] chunks) => ReadAll(new ChunkedStream(chunks));

    /// <summary>The whole stream in one piece, then split in two at every byte offset.</summary>
    private static IEnumerable<byte[][]> Splits(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        yield return [bytes];
        for (var i = 1; i < bytes.Length; i++)
        {
            yield return [bytes[..i], bytes[i..]];
        }
    }

    /// <summary>Returns its chunks one per read, as a socket delivers segments.</summary>
    private sealed class ChunkedStream(byte[][] chunks) : Stream
    {
        private int _next;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_next == chunks.Length)
            {
                return 0;
            }

            var chunk = chunks[_next++];
            chunk.CopyTo(buffer, offset);
            return chunk.Length;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A head, then the unit repeated for ever; counts what it served.</summary>
    private sealed class EndlessStream(byte[] head, byte[] unit) : Stream
    {
        public const int Chunk = 4096;

        public EndlessStream(byte[] head, byte unit)
            : this(head, [unit])
        {
        }

        public long Served { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(count, Chunk);
            for (var i = 0; i < n; i++)
            {
                var at = Served + i;
                buffer[offset + i] = at < head.Length ? head[at] : unit[(at - head.Length) % unit.Length];
            }

            Served += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
