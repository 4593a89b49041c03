namespace McpGateway.Core.Diagnostics;

/// <summary>The event ids <paramref name="First"/> to <paramref name="Last"/> (inclusive), kept for the log classes named.</summary>
internal sealed record LogEventRange(string Area, int First, int Last, IReadOnlyList<string> LogClasses)
{
    public bool Contains(int id) => id >= First && id <= Last;
}
