using System.Runtime.ExceptionServices;
using System.Threading.Tasks.Sources;
using McpGateway.Core.Recording;

namespace McpGateway.Core.Sessions;

/// <summary>
/// The recording stage's answer for a relayed frame whose record is enqueued but not committed yet, awaited once. It
/// waits only when awaited while still pending: the pump keeps the answers of a whole read batch and awaits them in
/// order once the batch is read, so only the first usually waits (with the session's end) and the others, committed in
/// the same group commit, are read at once, with no continuation of their own.
/// </summary>
/// <param name="record">Completes when the record is committed; faults when it is not.</param>
/// <param name="lost">Counts a record that did not commit, once.</param>
/// <param name="ended">The session's end: a commit waited on past it is no failure of the store (false, not counted).</param>
internal sealed class RelayedCommit(Task record, Action lost, CancellationToken ended) : IValueTaskSource<bool>
{
    public ValueTask<bool> AsValueTask() => new(this, 0);

    public ValueTaskSourceStatus GetStatus(short token) =>
        record.IsCompleted || ended.IsCancellationRequested ? ValueTaskSourceStatus.Succeeded : ValueTaskSourceStatus.Pending;

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        var waited = record.WaitAsync(ended).ConfigureAwait(false).GetAwaiter();
        if ((flags & ValueTaskSourceOnCompletedFlags.FlowExecutionContext) != 0)
        {
            waited.OnCompleted(() => continuation(state));
        }
        else
        {
            waited.UnsafeOnCompleted(() => continuation(state));
        }
    }

    /// <summary>True: on record, the frame goes on. False: not on record (the store failed, counted; or the session ended first).</summary>
    public bool GetResult(short token)
    {
        if (record.IsCompletedSuccessfully)
        {
            return true;
        }

        if (!record.IsCompleted)
        {
            // The session ended (the client went away) before the record committed: the frame goes nowhere.
            return false;
        }

        var failure = record.Exception?.InnerException;
        if (record.IsCanceled || failure is AuditUnavailableException or OperationCanceledException)
        {
            lost();
            return false;
        }

        ExceptionDispatchInfo.Throw(failure!);
        return false;
    }
}
