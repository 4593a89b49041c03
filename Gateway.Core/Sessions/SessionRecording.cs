using McpGateway.Core.Chain;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.Errors;
using McpGateway.Core.Recording;

namespace McpGateway.Core.Sessions;

/// <summary>
/// The session's terminal stage: every outcome of every frame, and the session's start, refusal and end, is handed to
/// <see cref="RecordAsync"/> as one <see cref="FrameOutcome"/>, exactly once; nothing else in the session core talks to
/// the recorder or counts verdicts, and no inspector records. A relayed frame is handed over once the chain has run
/// (after masking): its record is made from the frame's final bytes, sealed and enqueued in the caller's thread, and the
/// answer says when it is committed, before the frame goes on. What the gateway refused, dropped, answered or made itself,
/// and what broke the parsing rule, is recorded by size and hash. With recording off only the counting remains, and a
/// relayed frame costs nothing.
/// </summary>
internal sealed class SessionRecording(IGatewaySession session, ISessionRecorder? recorder, GatewayMetrics metrics)
{
    /// <summary>The record of a relayed frame was not committed: the frame is refused with -31006, counted under the recording stage.</summary>
    public const string StageName = ISessionRecorder.StageName;

    /// <summary>Counts a relayed frame's record that did not commit (the frame is refused with -31006).</summary>
    private readonly Action _lost = () => metrics.Verdict(StageName, VerdictKind.Reject, GatewayErrors.AuditUnavailable);

    /// <summary>
    /// Records <paramref name="outcome"/> and counts it. False: a relayed frame's record did not commit (it must not go
    /// on: -31006), or the store cannot record the session's start (the session must not begin); true otherwise. For a
    /// relayed frame the record is enqueued before this returns, so the answer may be kept and awaited (once) later: a
    /// pump enqueues the records of its whole read batch before it waits for the first, and they share one group commit.
    /// </summary>
    /// <param name="cancellationToken">The session's end: a commit waited on past it is no failure of the store.</param>
    public ValueTask<bool> RecordAsync(in FrameOutcome outcome, CancellationToken cancellationToken)
    {
        switch (outcome.Kind)
        {
            case OutcomeKind.Relayed:
                return recorder is null ? ValueTask.FromResult(true) : RelayedAsync(recorder, outcome.Frame!, cancellationToken);
            case OutcomeKind.SessionStarted:
                return recorder is null ? ValueTask.FromResult(true) : recorder.SessionStartedAsync(session, cancellationToken);
            case OutcomeKind.Rejected:
                metrics.Verdict(outcome.Inspector, VerdictKind.Reject, outcome.Error);
                return NotRelayed(outcome, "rejected");
            case OutcomeKind.Responded:
                metrics.Verdict(outcome.Inspector, VerdictKind.Respond, outcome.Error);
                return NotRelayed(outcome, "responded");
            case OutcomeKind.Held:
                // The final outcome of a held frame is recorded when it comes.
                metrics.Verdict(outcome.Inspector, VerdictKind.Hold, outcome.Error);
                return ValueTask.FromResult(true);
            case OutcomeKind.Withdrawn:
                return NotRelayed(outcome, "withdrawn");
            case OutcomeKind.Dropped:
                CountAnswer(outcome);
                return NotRelayed(outcome, "dropped");
            case OutcomeKind.Generated:
                return NotRelayed(outcome, "generated");
            case OutcomeKind.Invalid:
                CountAnswer(outcome);
                return recorder is null ? ValueTask.FromResult(true) : Done(recorder.InvalidAsync(session, outcome.Direction, outcome.Payload, outcome.Size, outcome.Sequence, outcome.Error!));
            case OutcomeKind.Answered:
                if (outcome.RefusesSession)
                {
                    metrics.SessionRefused(outcome.Error!.Reason);
                }

                return recorder is null ? ValueTask.FromResult(true) : Done(recorder.AnsweredAsync(session, outcome.Direction, outcome.Id, outcome.Method, outcome.Tool, outcome.Sequence, outcome.Error!));
            case OutcomeKind.SessionRefused:
                metrics.SessionRefused(outcome.Error!.Reason);

                // Refused for want of the store: it could not be recorded. Never the token, only its hash.
                return recorder is null || outcome.Error.Code == GatewayErrorCode.AuditUnavailable
                    ? ValueTask.FromResult(true)
                    : Done(recorder.SessionRefusedAsync(session, outcome.Error, outcome.Identity, outcome.Token, outcome.Payload));
            case OutcomeKind.SessionEnded:
                return recorder is null ? ValueTask.FromResult(true) : Done(recorder.SessionEndedAsync(session, outcome.Reason!));
            default:
                throw new ArgumentOutOfRangeException(nameof(outcome), outcome.Kind, "An outcome the recording stage does not know");
        }
    }

    private static ValueTask<bool> Done(ValueTask recording)
    {
        if (!recording.IsCompletedSuccessfully)
        {
            return AwaitAsync(recording);
        }

        recording.GetAwaiter().GetResult();
        return ValueTask.FromResult(true);

        static async ValueTask<bool> AwaitAsync(ValueTask recording)
        {
            await recording.ConfigureAwait(false);
            return true;
        }
    }

    private void CountAnswer(in FrameOutcome outcome)
    {
        if (outcome.Answer is { } answer)
        {
            metrics.Verdict(FrameOutcome.Gateway, VerdictKind.Reject, answer);
        }
    }

    private ValueTask<bool> NotRelayed(in FrameOutcome outcome, string verdict) =>
        recorder is null
            ? ValueTask.FromResult(true)
            : Done(recorder.NotForwardedAsync(session, outcome.Direction, outcome.Envelope, outcome.Method, outcome.Tool, outcome.Payload, outcome.Sequence, verdict, outcome.Inspector, outcome.Error));

    /// <summary>Seals and enqueues a relayed frame's record; the answer is at once when its commit already happened.</summary>
    private ValueTask<bool> RelayedAsync(ISessionRecorder recording, McpFrame frame, CancellationToken cancellationToken)
    {
        ValueTask append;
        try
        {
            append = recording.RelayedAsync(frame);
        }
        catch (AuditUnavailableException)
        {
            _lost();
            return ValueTask.FromResult(false);
        }

        if (append.IsCompletedSuccessfully)
        {
            append.GetAwaiter().GetResult();
            return ValueTask.FromResult(true);
        }

        // Not waited on here: the pump keeps the answer and awaits it once its read batch is enqueued.
        return new RelayedCommit(append.AsTask(), _lost, cancellationToken).AsValueTask();
    }
}
