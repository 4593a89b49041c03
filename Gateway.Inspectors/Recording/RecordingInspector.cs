using McpGateway.Core.Chain;
using McpGateway.Core.Recording;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// Always last in both directions: records the frame as the other inspectors left it; the frame moves on only once the
/// record is committed, so a request is recorded before it is forwarded and a response before it is delivered. When the
/// store cannot record, the frame is refused with -31006 (fail closed).
/// </summary>
internal sealed class RecordingInspector(SessionRecorder recorder) : IFrameInspector
{
    public const string InspectorName = ISessionRecorder.InspectorName;

    public string Name => InspectorName;

    public InspectedDirections Directions => InspectedDirections.Both;

    /// <summary>
    /// Enqueues the record and lets the frame go on without waiting: the session's recording stage holds the frame back
    /// until the record is committed (the pump first enqueues the records of its whole read batch, so they share one
    /// group commit), and refuses it with -31006 when the commit fails, a full queue included. The append gets no token:
    /// the pump waits for the commit with the session's own, once per read batch rather than once per record, and a
    /// full queue still refuses after the store's enqueue timeout.
    /// </summary>
    public ValueTask<Verdict> InspectAsync(McpFrame frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var append = recorder.Store.AppendAsync(recorder.Forwarded(frame), CancellationToken.None);
        if (!append.IsCompletedSuccessfully)
        {
            frame.AwaitRecord(append.AsTask());
        }

        return ValueTask.FromResult(Verdict.Forward);
    }
}
