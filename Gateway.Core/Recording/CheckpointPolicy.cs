namespace McpGateway.Core.Recording;

/// <summary>
/// What <see cref="AuditChainVerifier"/> requires of checkpoints beyond their signatures: linked checkpoints from the
/// first record on, each record vouched for by one signed within its interval plus <see cref="Slack"/>, and a recent or
/// final checkpoint at the end.
/// </summary>
/// <param name="Now">When the verification runs: a last checkpoint older than its interval plus slack must be the gateway's final one.</param>
/// <param name="Interval">The configured checkpoint interval; used where a checkpoint does not say its own (legacy).</param>
internal sealed record CheckpointPolicy(DateTimeOffset Now, TimeSpan Interval)
{
    /// <summary>The least slack on top of an interval: a signature waits for the write lock and a busy machine.</summary>
    public static readonly TimeSpan MinimumSlack = TimeSpan.FromSeconds(5);

    /// <summary>Checkpoints kept outside the store (anchors); verified like the store's own and merged with them.</summary>
    public IReadOnlyList<AuditCheckpoint> Witnessed { get; init; } = [];

    /// <summary>Called with the number of records verified so far, every <see cref="ProgressEvery"/> records.</summary>
    public Action<long>? Progress { get; init; }

    public const int ProgressEvery = 16_384;

    /// <summary>How late a checkpoint may come after the records it vouches for: the interval plus half of it, at least <see cref="MinimumSlack"/>.</summary>
    public static TimeSpan Slack(TimeSpan interval) => interval / 2 > MinimumSlack ? interval / 2 : MinimumSlack;

    /// <summary>The longest a record may wait for its checkpoint under <paramref name="interval"/>, in microseconds.</summary>
    public static long AllowanceMicros(TimeSpan interval) => (interval + Slack(interval)).Ticks / TimeSpan.TicksPerMicrosecond;
}
