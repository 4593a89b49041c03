using McpGateway.Core.Chain;
using McpGateway.Core.Framing;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// One call parked on this instance: its request, the session and id it came with, and the decision the session awaits.
/// The outcome is set exactly once (<see cref="TryFinish"/>), by whichever comes first: a decision read from the store,
/// the timeout, the client's cancellation or the session's end.
/// </summary>
internal sealed class HeldApproval(ApprovalRequest request, IGatewaySession session, JsonRpcId rpcId, string? progressToken)
{
    private int _finished;
    private int _progress;

    public ApprovalRequest Request { get; } = request;

    public IGatewaySession Session { get; } = session;

    public JsonRpcId RpcId { get; } = rpcId;

    /// <summary>The call's raw arguments (JSON text), kept in memory on this instance only while the call is held.</summary>
    public string? RawArguments { get; init; }

    /// <summary>The client's progress token as JSON text; null when it asked for no progress.</summary>
    public string? ProgressToken { get; } = progressToken;

    /// <summary>What the session does with the held frame; cancelled when the request was withdrawn.</summary>
    public TaskCompletionSource<Verdict> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Approvals counted so far, as last read from the store (for progress messages).</summary>
    public int Approvals { get; set; }

    public ITimer? Deadline { get; set; }

    public ITimer? ProgressTimer { get; set; }

    public CancellationTokenRegistration SessionEnd { get; set; }

    public bool IsFinished => Volatile.Read(ref _finished) == 1;

    public bool TryFinish()
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            return false;
        }

        Deadline?.Dispose();
        ProgressTimer?.Dispose();
        SessionEnd.Unregister();
        return true;
    }

    public int NextProgress() => Interlocked.Increment(ref _progress);
}
