using System.Buffers;
using McpGateway.Core.Chain;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Identity;
using McpGateway.Core.Recording;

namespace McpGateway.Core.Sessions;

/// <summary>
/// The session's terminal stage: every outcome of every frame is recorded here, exactly once, and nowhere else in the
/// session core. A relayed frame's record is enqueued by the chain's last inspector (with the masked payload) and
/// committed here before the frame goes on (<see cref="IsCommittedAsync"/>); what the gateway refused, dropped, answered
/// or made itself, and what broke the parsing rule, is recorded by size and hash. With recording off every call is a no-op.
/// </summary>
internal sealed class SessionRecording(IGatewaySession session, ISessionRecorder? recorder, GatewayMetrics metrics)
{
    /// <summary>The record of a relayed frame was not committed: the frame is refused with -31006, counted under the recording stage.</summary>
    public const string StageName = "recording";

    /// <summary>Recorded before the upstream is reached: false when the store cannot record, and the session must not begin.</summary>
    public ValueTask<bool> SessionStartedAsync(CancellationToken cancellationToken) =>
        recorder is null ? ValueTask.FromResult(true) : recorder.SessionStartedAsync(session, cancellationToken);

    public ValueTask SessionEndedAsync(string reason) =>
        recorder is null ? ValueTask.CompletedTask : recorder.SessionEndedAsync(session, reason);

    /// <summary>A connection refused before its session began (never the token, only its hash; of the first frame only its size and hash).</summary>
    public ValueTask SessionRefusedAsync(GatewayError error, GatewayIdentity? identity, string? token, ReadOnlySequence<byte> firstFrame) =>
        recorder is null || error.Code == GatewayErrorCode.AuditUnavailable
            ? ValueTask.CompletedTask // refused for want of the store: it could not be recorded
            : recorder.SessionRefusedAsync(session, error, identity, token, firstFrame);

    /// <summary>
    /// Waits for the commit of a relayed frame's record (none when recording is off). The records of a batch commit
    /// together: only the first wait of a batch usually finds one pending. False: not on record, the frame must not go on.
    /// </summary>
    public async ValueTask<bool> IsCommittedAsync(Task? record, CancellationToken cancellationToken)
    {
        if (record is null)
        {
            return true;
        }

        try
        {
            await (record.IsCompleted ? record : record.WaitAsync(cancellationToken)).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The session ended (the client went away) before the record committed: the frame goes nowhere, and the
            // store did not fail, so this is no audit_unavailable.
            return false;
        }
        catch (Exception ex) when (ex is AuditUnavailableException or OperationCanceledException)
        {
            metrics.Verdict(StageName, VerdictKind.Reject, GatewayErrors.AuditUnavailable);
            return false;
        }
    }

    /// <summary>
    /// A frame that did not go on: <paramref name="verdict"/> is <c>rejected</c>, <c>responded</c>, <c>dropped</c> or
    /// <c>withdrawn</c>, by <paramref name="inspector"/> (<c>gateway</c> for the session's own rules).
    /// </summary>
    public ValueTask NotRelayedAsync(FrameDirection direction, in FrameEnvelope envelope, string? requestMethod, string? requestTool, in ReadOnlySequence<byte> payload, long sequence, string verdict, string inspector, GatewayError? error) =>
        recorder is null
            ? ValueTask.CompletedTask
            : recorder.NotForwardedAsync(session, direction, envelope, requestMethod, requestTool, payload, sequence, verdict, inspector, error);

    /// <summary>A frame the chain's run did not let go on.</summary>
    public ValueTask NotRelayedAsync(McpFrame frame, string verdict, string inspector, GatewayError? error) =>
        NotRelayedAsync(frame.Direction, frame.Envelope, frame.RequestMethod, frame.RequestToolName, frame.Payload, frame.Sequence, verdict, inspector, error);

    /// <summary>A frame that broke the parsing rule (or had no end); <paramref name="payload"/> is hashed, never kept, and empty when unknown.</summary>
    public ValueTask InvalidAsync(FrameDirection direction, in ReadOnlySequence<byte> payload, long size, long sequence, GatewayError error) =>
        recorder is null ? ValueTask.CompletedTask : recorder.InvalidAsync(session, direction, payload, size, sequence, error);

    /// <summary>An error the gateway sends toward <paramref name="direction"/> in place of an answer that will not come (generated).</summary>
    public ValueTask AnsweredAsync(FrameDirection direction, JsonRpcId id, string? method, string? tool, long sequence, GatewayError error) =>
        recorder is null ? ValueTask.CompletedTask : recorder.AnsweredAsync(session, direction, id, method, tool, sequence, error);

    /// <summary>A notification the gateway makes itself outside the chain (a cancellation), by size and hash (generated).</summary>
    public ValueTask GeneratedAsync(FrameDirection direction, in FrameEnvelope envelope, string? requestMethod, string? requestTool, in ReadOnlySequence<byte> payload, long sequence, GatewayError? cause) =>
        NotRelayedAsync(direction, envelope, requestMethod, requestTool, payload, sequence, "generated", "gateway", cause);
}
