namespace McpGateway.Tests.EndToEnd.Hostile;

/// <summary>The mode of a <see cref="SpyUpstream"/> and its parameters; the same for every connection it accepts.</summary>
internal sealed record SpyBehavior(SpyMode Mode)
{
    public static SpyBehavior Echo { get; } = new(SpyMode.Echo);

    public static SpyBehavior Stall { get; } = new(SpyMode.Stall);

    /// <summary>For <see cref="SpyMode.Hang"/> and <see cref="SpyMode.Die"/>: methods that are still echoed (and do not count towards dying).</summary>
    public IReadOnlySet<string> Answered { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>For <see cref="SpyMode.Die"/>.</summary>
    public int DieAfterRequests { get; init; }

    /// <summary>For <see cref="SpyMode.Script"/>: the lines (without newline) to write back for a received line.</summary>
    public Func<SpyLine, IEnumerable<byte[]>>? Script { get; init; }

    /// <summary>For <see cref="SpyMode.Flood"/>: the size of each notification line, newline included.</summary>
    public int FloodLineBytes { get; init; } = 1024;

    public static SpyBehavior Hang(params string[] answered) =>
        new(SpyMode.Hang) { Answered = new HashSet<string>(answered, StringComparer.Ordinal) };

    public static SpyBehavior Die(int afterRequests, params string[] answered) =>
        new(SpyMode.Die) { DieAfterRequests = afterRequests, Answered = new HashSet<string>(answered, StringComparer.Ordinal) };

    public static SpyBehavior Scripted(Func<SpyLine, IEnumerable<byte[]>> script) => new(SpyMode.Script) { Script = script };

    public static SpyBehavior Flood(int lineBytes = 1024) => new(SpyMode.Flood) { FloodLineBytes = lineBytes };
}
