using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text;

namespace McpGateway.Core.Upstreams.Http;

/// <summary>
/// Reads a <c>text/event-stream</c> (the WHATWG parsing rules: <c>data</c>, <c>event</c>, <c>id</c>, <c>retry</c>,
/// comments, CR, LF or CRLF line ends) with the frame size limit enforced while the bytes arrive: an event whose data,
/// or any single line, grows past it ends the reading at once, with never more than the limit (plus one read) held.
/// </summary>
internal sealed class SseEventReader : IAsyncDisposable
{
    // Room for a field name and its colon and space in front of a value of the limit's size.
    private const int FieldAllowance = 64;
    private const string DefaultEventType = "message";

    private static readonly byte[] _bom = [0xEF, 0xBB, 0xBF];

    private readonly PipeReader _reader;
    private readonly int _maxDataBytes;
    private readonly long _maxLineBytes;
    // Sized for a usual message (one per exchange is made): a larger event grows it.
    private readonly ArrayBufferWriter<byte> _data = new(512);
    private bool _hasData;
    private string? _eventType;
    private string? _eventIdBuffer;
    private bool _skipLineFeed;
    private bool _started;

    public SseEventReader(Stream stream, int maxDataBytes)
    {
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, leaveOpen: true));
        _maxDataBytes = maxDataBytes;
        _maxLineBytes = (long)maxDataBytes + FieldAllowance;
    }

    /// <summary>The type of the event just read (<c>message</c> unless it named another).</summary>
    public string EventType { get; private set; } = DefaultEventType;

    /// <summary>The data of the event just read, its lines joined by LF.</summary>
    public byte[] Data { get; private set; } = [];

    /// <summary>The last event id the stream set (for <c>Last-Event-ID</c>), or null.</summary>
    public string? LastEventId { get; private set; }

    /// <summary>The reconnection time the stream asked for with <c>retry:</c>, or null.</summary>
    public TimeSpan? ReconnectionInterval { get; private set; }

    public async ValueTask<SseReadStatus> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var status = Parse(ref buffer);
            if (status == SseReadStatus.Event)
            {
                // Lines after the event may already be here: the next read must not wait for more data.
                _reader.AdvanceTo(buffer.Start);
                return status;
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (status == SseReadStatus.TooLarge)
            {
                return status;
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                return SseReadStatus.End;
            }
        }
    }

    /// <summary>
    /// Consumes whole lines off <paramref name="buffer"/> until an event is complete (Event), a limit is broken
    /// (TooLarge), or the lines run out (End: more data is needed, or the stream is over).
    /// </summary>
    private SseReadStatus Parse(ref ReadOnlySequence<byte> buffer)
    {
        if (!_started)
        {
            if (buffer.Length < _bom.Length && SequenceIs(buffer, _bom.AsSpan(0, (int)buffer.Length)))
            {
                // Perhaps the start of a byte-order mark: wait for the rest.
                return SseReadStatus.End;
            }

            _started = true;
            if (buffer.Length >= _bom.Length && SequenceIs(buffer.Slice(0, _bom.Length), _bom))
            {
                buffer = buffer.Slice(_bom.Length);
            }
        }

        while (TryReadLine(ref buffer, out var line))
        {
            switch (OnLine(line))
            {
                case SseReadStatus.Event:
                    return SseReadStatus.Event;
                case SseReadStatus.TooLarge:
                    return SseReadStatus.TooLarge;
            }
        }

        return buffer.Length > _maxLineBytes ? SseReadStatus.TooLarge : SseReadStatus.End;
    }

    /// <summary>The next line without its end (CR, LF or CRLF); never looks further than the line limit.</summary>
    private bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        line = default;
        if (_skipLineFeed && !buffer.IsEmpty)
        {
            // The previous line ended with CR; a LF right after it belongs to that end.
            _skipLineFeed = false;
            if (buffer.FirstSpan[0] == (byte)'\n')
            {
                buffer = buffer.Slice(1);
            }
        }

        var window = buffer.Length > _maxLineBytes + 1 ? buffer.Slice(0, _maxLineBytes + 1) : buffer;
        var reader = new SequenceReader<byte>(window);
        if (!reader.TryReadToAny(out line, "\r\n"u8, advancePastDelimiter: false))
        {
            return false;
        }

        reader.TryRead(out var end);
        _skipLineFeed = end == (byte)'\r';
        buffer = buffer.Slice(reader.Position);
        return true;
    }

    private SseReadStatus OnLine(ReadOnlySequence<byte> line)
    {
        if (line.IsEmpty)
        {
            return Dispatch();
        }

        var colon = line.PositionOf((byte)':');
        if (colon is { } at && line.Slice(0, at).IsEmpty)
        {
            // A comment.
            return SseReadStatus.End;
        }

        var field = colon is { } c ? line.Slice(0, c) : line;
        var value = colon is { } v ? line.Slice(line.GetPosition(1, v)) : default;
        if (!value.IsEmpty && value.FirstSpan[0] == (byte)' ')
        {
            value = value.Slice(1);
        }

        if (SequenceIs(field, "data"u8))
        {
            var separator = _hasData ? 1 : 0;
            if ((long)_data.WrittenCount + separator + value.Length > _maxDataBytes)
            {
                return SseReadStatus.TooLarge;
            }

            if (_hasData)
            {
                _data.Write("\n"u8);
            }

            foreach (var segment in value)
            {
                _data.Write(segment.Span);
            }

            _hasData = true;
        }
        else if (SequenceIs(field, "event"u8))
        {
            // The usual type is the default's name: no string for it.
            _eventType = SequenceIs(value, "message"u8) ? DefaultEventType : Encoding.UTF8.GetString(value);
        }
        else if (SequenceIs(field, "id"u8))
        {
            if (value.PositionOf((byte)0) is null)
            {
                _eventIdBuffer = Encoding.UTF8.GetString(value);
            }
        }
        else if (SequenceIs(field, "retry"u8))
        {
            var text = Encoding.ASCII.GetString(value);
            if (text.Length is > 0 and <= 9 && text.All(char.IsAsciiDigit))
            {
                ReconnectionInterval = TimeSpan.FromMilliseconds(int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture));
            }
        }

        return SseReadStatus.End;
    }

    private SseReadStatus Dispatch()
    {
        LastEventId = _eventIdBuffer;
        var type = string.IsNullOrEmpty(_eventType) ? DefaultEventType : _eventType;
        _eventType = null;
        if (!_hasData)
        {
            return SseReadStatus.End;
        }

        EventType = type;
        Data = _data.WrittenSpan.ToArray();
        _data.ResetWrittenCount();
        _hasData = false;
        return SseReadStatus.Event;
    }

    private static bool SequenceIs(in ReadOnlySequence<byte> bytes, ReadOnlySpan<byte> expected)
    {
        if (bytes.Length != expected.Length)
        {
            return false;
        }

        if (bytes.IsSingleSegment)
        {
            return bytes.FirstSpan.SequenceEqual(expected);
        }

        var reader = new SequenceReader<byte>(bytes);
        return reader.IsNext(expected);
    }

    public ValueTask DisposeAsync() => _reader.CompleteAsync();
}
