using System.IO.Pipes;
using McpGateway.Core.Upstreams;

namespace McpGateway.Tests.Upstreams;

/// <summary>
/// The stdio channel's stdout reader over a real OS pipe: what is written arrives in order and the end of stream
/// completes it; a stop ends it even while the write end stays open (a grandchild that keeps the server's stdout).
/// </summary>
[TestFixture]
internal sealed class StdioOutputReaderTests
{
    [Test]
    [CancelAfter(10000)]
    public async Task Reader_LinesWrittenThenWriteEndClosed_ReadsThemInOrderThenCompletes(CancellationToken cancellationToken)
    {
        using var pipe = new AnonymousPipeServerStream(PipeDirection.In);
        var reader = new StdioOutputReader(pipe.SafePipeHandle, 1024, "test stdout");
        reader.Start();
        var expected = string.Concat(Enumerable.Range(0, 2000).Select(i => $"line {i}\n"));
        await using (var writeEnd = new AnonymousPipeClientStream(PipeDirection.Out, pipe.ClientSafePipeHandle))
        {
            await writeEnd.WriteAsync(System.Text.Encoding.UTF8.GetBytes(expected), cancellationToken);
        }

        var received = new MemoryStream();
        while (true)
        {
            var result = await reader.Reader.ReadAsync(cancellationToken);
            foreach (var segment in result.Buffer)
            {
                received.Write(segment.Span);
            }

            reader.Reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                break;
            }
        }

        await reader.Reader.CompleteAsync();
        Assert.That(System.Text.Encoding.UTF8.GetString(received.ToArray()), Is.EqualTo(expected));
    }

    [Test]
    [CancelAfter(10000)]
    public async Task Stop_WriteEndStillOpenAndSilent_ReaderCompletesWithoutData(CancellationToken cancellationToken)
    {
        using var pipe = new AnonymousPipeServerStream(PipeDirection.In);
        await using var writeEnd = new AnonymousPipeClientStream(PipeDirection.Out, pipe.ClientSafePipeHandle);
        var reader = new StdioOutputReader(pipe.SafePipeHandle, 1024, "test stdout");
        reader.Start();

        reader.Stop();
        var result = await reader.Reader.ReadAsync(cancellationToken);

        Assert.Multiple(() =>
        {
            Assert.That(result.IsCompleted, Is.True, "the thread ended although nobody closed the write end");
            Assert.That(result.Buffer.IsEmpty, Is.True);
        });
        await reader.Reader.CompleteAsync();
    }
}
