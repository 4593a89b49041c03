namespace McpGateway.WebConsole.Live;

/// <summary>The gateway's own counts at one moment, for the overview.</summary>
internal sealed record OverviewSnapshot(
    long ConnectionsActive,
    long SessionsAuthenticated,
    double CallsPerSecond,
    long RequestsPending,
    long HeldCalls,
    IReadOnlyList<KeyValuePair<string, long>> RefusalsByReason,
    DateTimeOffset At);
