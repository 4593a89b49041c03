using System.IO.Pipelines;
using McpGateway.Core.Framing;
using Microsoft.AspNetCore.Connections;

namespace McpGateway.Core.Sessions;

/// <summary>
/// The one NDJSON reader every byte-stream side shares (a TCP client, a stdio or TCP upstream): PipeReader, then
/// <see cref="FrameReader"/>, then the scanner, then the direction's <see cref="DirectionPump"/>. It handles every
/// complete frame of a read, releases the frames that waited for their records before it advances, and ends the
/// batch (one flush each way) before it reads again.
/// </summary>
internal static class NdjsonPump
{
    /// <param name="atConnectionStart">Nothing was read from this side yet: a byte-order mark here is stripped.</param>
    /// <param name="activity">Called on every read (the session's idle clock).</param>
    public static async Task RunAsync(PipeReader input, DirectionPump pump, bool atConnectionStart, Action activity, CancellationToken sessionEnded)
    {
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(sessionEnded).ConfigureAwait(false);
                activity();
                var buffer = result.Buffer;
                try
                {
                    var started = !atConnectionStart || ByteOrderMark.TrySkip(ref buffer, result.IsCompleted);
                    atConnectionStart &= !started;
                    while (started)
                    {
                        var status = FrameReader.TryReadFrame(ref buffer, pump.Limits.MaxFrameBytes, out var payload);
                        if (status == FrameReadStatus.Frame)
                        {
                            var invalid = pump.Scanner.Scan(payload, out var envelope);
                            await pump.HandleAsync(payload, envelope, invalid).ConfigureAwait(false);
                        }
                        else if (status == FrameReadStatus.TooLarge)
                        {
                            // No resynchronising on the next newline: the peer is broken or hostile, and ends here;
                            // the frames before it that wait for their records still leave first.
                            await pump.ReleaseDeferredAsync().ConfigureAwait(false);
                            await pump.OnFrameTooLargeAsync().ConfigureAwait(false);
                            return;
                        }
                        else
                        {
                            break;
                        }
                    }

                    // Before the pump advances: the deferred frames are slices of this read's buffer.
                    await pump.ReleaseDeferredAsync().ConfigureAwait(false);
                    if (result.IsCompleted)
                    {
                        if (!buffer.IsEmpty)
                        {
                            await pump.OnUnterminatedAsync(buffer).ConfigureAwait(false);
                        }

                        return;
                    }
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }

                await pump.EndBatchAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The session is ending, or Kestrel aborted the connection.
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ObjectDisposedException or InvalidOperationException)
        {
            // The peer went away mid-read.
        }
        finally
        {
            await pump.EndBatchAsync().ConfigureAwait(false);
        }
    }
}
