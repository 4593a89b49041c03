using System.IO.Pipelines;

namespace McpGateway.Tests.Upstreams;

/// <summary>Passes everything to <paramref name="inner"/> and adds each byte that was written to <paramref name="sent"/>.</summary>
internal sealed class CountingPipeWriter(PipeWriter inner, Action<long> sent) : PipeWriter
{
    public override void Advance(int bytes)
    {
        sent(bytes);
        inner.Advance(bytes);
    }

    public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);

    public override void CancelPendingFlush() => inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
}
