namespace McpGateway.Inspectors.External;

/// <summary>
/// One entry of the <c>externalInspectors</c> section, as bound from configuration: where the inspector process runs,
/// its budget and what happens when it fails. Only a bag for binding: <see cref="ExternalInspectorValidator"/> turns it
/// into <see cref="ExternalInspectorSettings"/>.
/// </summary>
internal sealed class ExternalInspectorOptions
{
    /// <summary><c>stdio</c> (the gateway starts and supervises the process), <c>tcp</c> or <c>unix</c> (a running service).</summary>
    public string? Transport { get; set; }

    /// <summary>stdio: the program to start.</summary>
    public string? Command { get; set; }

    public IList<string> Args { get; } = [];

    /// <summary>stdio: the working directory (relative to the configuration file); default the configuration file's folder.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>stdio: variables added to the process's environment.</summary>
    public IDictionary<string, string> Env { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>tcp: <c>host:port</c> of the running inspector.</summary>
    public string? Address { get; set; }

    /// <summary>unix: the socket's path (relative to the configuration file).</summary>
    public string? Path { get; set; }

    /// <summary>The longest one frame may wait for the inspector's verdict, a free slot included (default 200 ms).</summary>
    public TimeSpan? Budget { get; set; }

    /// <summary>Frames at the inspector at once, over all sessions (default 64).</summary>
    public int? MaxConcurrency { get; set; }

    /// <summary><c>closed</c> (default): a frame the inspector could not judge is refused. <c>open</c>: it passes, and each pass is recorded.</summary>
    public string? OnFailure { get; set; }

    /// <summary>How long the inspector may take to answer <c>hello</c> after it was started or connected (default 10 s).</summary>
    public TimeSpan? HelloTimeout { get; set; }

    /// <summary>The first wait before the inspector is started (or connected) again after it failed; it doubles up to <see cref="MaxRestartDelay"/> (default 200 ms).</summary>
    public TimeSpan? RestartDelay { get; set; }

    /// <summary>The longest wait between restarts (default 30 s).</summary>
    public TimeSpan? MaxRestartDelay { get; set; }

    /// <summary>After this many calls in a row got no verdict within the budget, the inspector is started (or connected) again (default 16).</summary>
    public int? RestartAfterTimeouts { get; set; }

    /// <summary>Who decides a call the inspector holds for approval; without it a hold verdict refuses the call.</summary>
    public ExternalApprovalOptions? Approval { get; set; }
}
