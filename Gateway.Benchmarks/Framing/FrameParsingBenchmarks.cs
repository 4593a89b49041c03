using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using McpGateway.Core.Framing;

namespace McpGateway.Benchmarks.Framing;

/// <summary>
/// The framing layer per frame: <see cref="FrameReader"/> slices one line off the buffer and
/// <see cref="EnvelopeScanner"/> checks it and finds its envelope. Frames are a realistic tools/call request
/// (arguments carrying file content) and a tools/call result (one big text content), JSON-escaped text with
/// newlines and quotes. Multi-segment buffers use 4 KiB segments and start the frame 128 bytes before the first
/// boundary, so that even the smallest frame spans two segments, as it would in a pipe.
/// </summary>
[MemoryDiagnoser]
public class FrameParsingBenchmarks
{
    private const int SegmentBytes = 4096;
    private const int OffsetInFirstSegment = SegmentBytes - 128;

    private EnvelopeScanner _scanner = null!;
    private ReadOnlySequence<byte> _buffer;

    [Params(256, 4 * 1024, 64 * 1024, 1024 * 1024)]
    public int FrameBytes { get; set; }

    [Params("request", "result")]
    public string Frame { get; set; } = "request";

    [Params(false, true)]
    public bool Segmented { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        byte[] line = Encoding.UTF8.GetBytes(BuildFrame(Frame, FrameBytes) + "\n");
        if (Segmented)
        {
            byte[] padded = new byte[OffsetInFirstSegment + line.Length];
            line.CopyTo(padded, OffsetInFirstSegment);
            _buffer = Segments(padded).Slice(OffsetInFirstSegment);
        }
        else
        {
            _buffer = new ReadOnlySequence<byte>(line);
        }

        _scanner = new EnvelopeScanner(FrameLimits.Default);
        if (ReadAndScan() < 0)
        {
            throw new InvalidOperationException("The benchmark frame was rejected.");
        }
    }

    [Benchmark]
    public long ReadAndScan()
    {
        ReadOnlySequence<byte> buffer = _buffer;
        if (FrameReader.TryReadFrame(ref buffer, FrameLimits.DefaultMaxFrameBytes, out ReadOnlySequence<byte> frame) != FrameReadStatus.Frame)
        {
            return -1;
        }

        return _scanner.Scan(frame, out FrameEnvelope envelope) is null ? envelope.Id.Number : -1;
    }

    // A frame of exactly frameBytes bytes (without its newline).
    private static string BuildFrame(string shape, int frameBytes)
    {
        const string Placeholder = "TEXT";
        string template = shape == "request"
            ? """{"jsonrpc":"2.0","id":17,"method":"tools/call","params":{"name":"write_file","arguments":{"path":"/home/dev/project/docs/report.md","content":"TEXT"},"_meta":{"progressToken":"c0ffee-17"}}}"""
            : """{"jsonrpc":"2.0","id":17,"result":{"content":[{"type":"text","text":"TEXT"}],"isError":false}}""";

        int textBytes = frameBytes - (template.Length - Placeholder.Length);
        var text = new StringBuilder(textBytes);
        for (int i = 0; ; i++)
        {
            string sentence = $"Line {i:D5}: the build \\\"{i % 7}\\\" finished in {i % 97} ms; all checks passed.\\n";
            if (text.Length + sentence.Length > textBytes)
            {
                break;
            }

            text.Append(sentence);
        }

        text.Append('x', textBytes - text.Length);
        return template.Replace(Placeholder, text.ToString(), StringComparison.Ordinal);
    }

    private static ReadOnlySequence<byte> Segments(byte[] data)
    {
        Segment first = new(data.AsMemory(0, Math.Min(SegmentBytes, data.Length)), 0);
        Segment last = first;
        for (int offset = SegmentBytes; offset < data.Length; offset += SegmentBytes)
        {
            last = last.Append(data.AsMemory(offset, Math.Min(SegmentBytes, data.Length - offset)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
