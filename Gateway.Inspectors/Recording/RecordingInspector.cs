using McpGateway.Core.Chain;
using McpGateway.Core.Errors;
using McpGateway.Core.Recording;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// Always last in both directions: records the frame as the other inspectors left it and returns only once the record
/// is committed, so a request is recorded before it is forwarded and a response before it is delivered. When the store
/// cannot record, the frame is refused with -31006 (fail closed).
/// </summary>
internal sealed class RecordingInspector(SessionRecorder recorder) : IFrameInspector
{
    public const string InspectorName = ISessionRecorder.InspectorName;

    public string Name => InspectorName;

    public InspectedDirections Directions => InspectedDirections.Both;

    public async ValueTask<Verdict> InspectAsync(McpFrame frame, CancellationToken cancellationToken)
    {
        try
        {
            await recorder.Store.AppendAsync(recorder.Forwarded(frame), cancellationToken).ConfigureAwait(false);
            return Verdict.Forward;
        }
        catch (AuditUnavailableException)
        {
            return Verdict.Reject(GatewayErrors.AuditUnavailable);
        }
    }
}
