namespace McpGateway.Benchmarks.Load;

/// <summary>Opens many connections at a bounded pace, for the load runs and the idle probe.</summary>
internal static class ConnectionOpener
{
    private const int ConnectParallelism = 32;

    /// <summary>Runs <paramref name="open"/> <paramref name="count"/> times, at most 32 at once, all bounded to 15 s (more for many).</summary>
    public static async Task OpenAsync(int count, Func<CancellationToken, Task> open, CancellationToken cancellationToken)
    {
        using var gate = new SemaphoreSlim(ConnectParallelism);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15 + (count / 50)));
        var opening = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            await gate.WaitAsync(timeout.Token).ConfigureAwait(false);
            opening.Add(OpenOneAsync());
        }

        await Task.WhenAll(opening).ConfigureAwait(false);

        async Task OpenOneAsync()
        {
            try
            {
                await open(timeout.Token).ConfigureAwait(false);
            }
            finally
            {
                gate.Release();
            }
        }
    }
}
