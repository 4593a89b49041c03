using System.Text;
using McpGateway.Core.Recording;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// Appends each checkpoint as a JSON line to a file (best on another volume, or one the gateway may only append to:
/// <c>chattr +a</c>), flushed to the disk before the next interval. The file is opened for each append, so it may be
/// rotated or moved by its owner between checkpoints.
/// </summary>
internal sealed class FileCheckpointAnchor(string path) : ICheckpointAnchor
{
    public string Description => path;

    public async Task WriteAsync(AuditCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        var line = Encoding.UTF8.GetBytes(CheckpointJson.Write(checkpoint) + "\n");
        await using var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.Read,
            Options = FileOptions.Asynchronous,
        });
        await file.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        file.Flush(flushToDisk: true);
    }
}
