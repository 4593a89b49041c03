using System.Text;

namespace McpGateway.Tests.EndToEnd.Protocol;

/// <summary>
/// Passes everything through to the inner stream and keeps a copy of both directions, so a test can see the
/// frames an SDK client really exchanged with the gateway (one JSON-RPC message per line).
/// </summary>
internal sealed class RecordingStream(Stream inner) : Stream
{
    private readonly MemoryStream _written = new();
    private readonly MemoryStream _read = new();
    private readonly Lock _gate = new();

    public override bool CanRead => inner.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => inner.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Complete lines written so far (what the client sent).</summary>
    public IReadOnlyList<string> WrittenLines => Lines(_written);

    /// <summary>Complete lines read so far (what the gateway sent).</summary>
    public IReadOnlyList<string> ReadLines => Lines(_read);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        Record(_read, buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Record(_read, buffer.Span[..read]);
        return read;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Record(_written, buffer);
        inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Record(_written, buffer.Span);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Record(MemoryStream copy, ReadOnlySpan<byte> bytes)
    {
        lock (_gate)
        {
            copy.Write(bytes);
        }
    }

    private List<string> Lines(MemoryStream copy)
    {
        string text;
        lock (_gate)
        {
            text = Encoding.UTF8.GetString(copy.GetBuffer(), 0, (int)copy.Length);
        }

        var complete = text.LastIndexOf('\n');
        return complete < 0 ? [] : [.. text[..complete].Split('\n')];
    }
}
