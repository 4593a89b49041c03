using System.IO.Pipelines;
using Microsoft.Win32.SafeHandles;

namespace McpGateway.Core.Upstreams;

/// <summary>
/// A stdio server's stdout, read by a thread of its own into a <see cref="Pipe"/> whose reader runs inline: the kernel
/// wakes this thread when the server writes, and the session's upstream pump handles the frames on it before it reads
/// again, with no epoll thread and no thread-pool hop in between (one wake-up per answer instead of three).
/// <para>
/// Backpressure: the thread stops reading while the pump holds more than <c>maxFrameBytes</c> plus two reads it has
/// not consumed, so a server that floods blocks on its own stdout. The bound lies above the frame limit because an
/// incomplete line stays unconsumed until its newline arrives, and the frame reader must be able to see a line grow
/// past the limit to refuse it.
/// </para>
/// <para>
/// The thread ends at the server's end of stream, when the pump completes its reader, or within
/// <see cref="StopCheck"/> of <see cref="Stop"/> (for a stdout that a left-over grandchild still holds open). It holds
/// a reference on the descriptor while it runs, so closing the process never hands a reused descriptor to a read.
/// </para>
/// </summary>
internal sealed class StdioOutputReader
{
    private const int ReadSize = 16 * 1024;
    private static readonly TimeSpan StopCheck = TimeSpan.FromMilliseconds(500);

    private readonly SafePipeHandle _handle;
    private readonly Pipe _pipe;
    private readonly Thread _thread;
    private volatile bool _stopped;

    public StdioOutputReader(SafePipeHandle handle, int maxFrameBytes, string name)
    {
        _handle = handle;
        var resume = maxFrameBytes + (2L * ReadSize);
        _pipe = new Pipe(new PipeOptions(
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.Inline,
            pauseWriterThreshold: resume + ReadSize,
            resumeWriterThreshold: resume,
            minimumSegmentSize: ReadSize,
            useSynchronizationContext: false));
        _thread = new Thread(Run) { IsBackground = true, Name = name };
    }

    public PipeReader Reader => _pipe.Reader;

    /// <summary>Starts the thread, without the caller's execution context (the session's activity stays with the session).</summary>
    public void Start() => _thread.UnsafeStart();

    /// <summary>No more reads after the current one: the thread ends within <see cref="StopCheck"/>.</summary>
    public void Stop() => _stopped = true;

    private void Run()
    {
        var writer = _pipe.Writer;
        var referenced = false;
        Exception? failure = null;
        try
        {
            _handle.DangerousAddRef(ref referenced);
            var fd = (int)_handle.DangerousGetHandle();
            var timeout = (int)StopCheck.TotalMilliseconds;
            while (!_stopped)
            {
                if (!UnixPipe.WaitReadable(fd, timeout))
                {
                    continue;
                }

                var read = UnixPipe.Read(fd, writer.GetMemory(ReadSize).Span);
                if (read == 0)
                {
                    break;
                }

                writer.Advance(read);

                // The pump runs inside this flush. Past the pause threshold it does not complete: wait here, and the
                // server waits on its stdout.
                var flush = writer.FlushAsync();
                var result = flush.IsCompleted ? flush.Result : flush.AsTask().GetAwaiter().GetResult();
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            failure = ex;
        }
        finally
        {
            writer.Complete(failure);
            if (referenced)
            {
                _handle.DangerousRelease();
            }
        }
    }
}
