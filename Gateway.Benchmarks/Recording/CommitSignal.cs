using System.Threading.Tasks.Sources;

namespace McpGateway.Benchmarks.Recording;

/// <summary>
/// One pump's wait for its records' commit, reused for every read batch: a <see cref="ManualResetValueTaskSourceCore{TResult}"/>
/// that the writer completes once per batch (instead of a <see cref="TaskCompletionSource"/> per record), reset when
/// the pump has taken the result. One wait at a time, as a pump has.
/// </summary>
internal sealed class CommitSignal(bool runContinuationsAsynchronously) : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = runContinuationsAsynchronously };

    public ValueTask WaitAsync() => new(this, _core.Version);

    /// <summary>The writer: the batch is committed.</summary>
    public void Set() => _core.SetResult(true);

    public void GetResult(short token)
    {
        try
        {
            _core.GetResult(token);
        }
        finally
        {
            _core.Reset();
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
