namespace McpGateway.Tests.EndToEnd.Hostile;

/// <summary>Wakes whoever waits for a condition on state that another thread changes.</summary>
internal sealed class ChangeSignal
{
    private TaskCompletionSource _changed = NewSource();

    public void Notify() => Interlocked.Exchange(ref _changed, NewSource()).TrySetResult();

    /// <summary>Returns once <paramref name="condition"/> holds; it is checked now and after every change.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (true)
        {
            var changed = Volatile.Read(ref _changed).Task;
            if (condition())
            {
                return;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
