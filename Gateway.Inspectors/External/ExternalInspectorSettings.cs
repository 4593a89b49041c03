using McpGateway.Inspectors.Policy;

namespace McpGateway.Inspectors.External;

/// <summary>A validated <c>externalInspectors</c> entry.</summary>
internal sealed record ExternalInspectorSettings
{
    public static readonly TimeSpan DefaultBudget = TimeSpan.FromMilliseconds(200);
    public const int DefaultMaxConcurrency = 64;
    public static readonly TimeSpan DefaultHelloTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan DefaultRestartDelay = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan DefaultMaxRestartDelay = TimeSpan.FromSeconds(30);
    public const int DefaultRestartAfterTimeouts = 16;

    /// <summary>A connection that lived at least this long counts as healthy: after it ends, the next start does not wait.</summary>
    public static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(30);

    public required string Name { get; init; }

    public required ExternalTransport Transport { get; init; }

    /// <summary>stdio: the program; absolute, or a name looked up on PATH.</summary>
    public string? Command { get; init; }

    public IReadOnlyList<string> Args { get; init; } = [];

    public string? WorkingDirectory { get; init; }

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>tcp: host and port.</summary>
    public string? Host { get; init; }

    public int Port { get; init; }

    /// <summary>unix: the socket's absolute path.</summary>
    public string? SocketPath { get; init; }

    public TimeSpan Budget { get; init; } = DefaultBudget;

    public int MaxConcurrency { get; init; } = DefaultMaxConcurrency;

    /// <summary>True when a frame the inspector could not judge passes (recorded) instead of being refused.</summary>
    public bool FailOpen { get; init; }

    public TimeSpan HelloTimeout { get; init; } = DefaultHelloTimeout;

    public TimeSpan RestartDelay { get; init; } = DefaultRestartDelay;

    public TimeSpan MaxRestartDelay { get; init; } = DefaultMaxRestartDelay;

    /// <summary>After this many calls in a row without a verdict in the budget, the connection is dropped and the inspector started again.</summary>
    public int RestartAfterTimeouts { get; init; } = DefaultRestartAfterTimeouts;

    /// <summary>What a held call waits for; null when the inspector may not hold calls.</summary>
    public ApprovalRequirement? Approval { get; init; }

    /// <summary>Where the inspector is, for logs and <c>/readyz</c>: the command, address or socket.</summary>
    public string Target => Transport switch
    {
        ExternalTransport.Stdio => Command!,
        ExternalTransport.Tcp => $"{Host}:{Port}",
        _ => SocketPath!,
    };
}
