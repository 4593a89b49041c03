using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using McpGateway.Core.Framing;

namespace McpGateway.Tests.Sessions;

/// <summary>Reads one side of an in-memory NDJSON conversation line by line.</summary>
internal readonly struct NdjsonLines(PipeReader reader)
{
    public static async Task WriteAsync(PipeWriter writer, string line, CancellationToken cancellationToken)
    {
        await writer.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), cancellationToken);
    }

    /// <summary>The next line, or null when the side completed.</summary>
    public async Task<string?> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (FrameReader.TryReadFrame(ref buffer, int.MaxValue / 2, out var frame) == FrameReadStatus.Frame)
            {
                var line = Encoding.UTF8.GetString(frame);
                reader.AdvanceTo(buffer.Start);
                return line;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }
}
