namespace McpGateway.Inspectors.Approval;

/// <summary>
/// The <c>approvals</c> section: where held calls and votes are kept. With a <c>policy</c>, approvals work without it
/// (an embedded SQLite file <c>approvals.db</c> next to the configuration file); PostgreSQL lets several instances share them.
/// </summary>
internal sealed class ApprovalOptions
{
    /// <summary><c>sqlite</c> (default, embedded) or <c>postgres</c> (shared by several gateway instances).</summary>
    public string? Store { get; set; }

    /// <summary>The PostgreSQL connection string (Npgsql keyword format); required with store <c>postgres</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The SQLite file, relative to the configuration file; default <c>approvals.db</c> next to it.</summary>
    public string? Path { get; set; }

    /// <summary>How often a client that asked for progress hears that its call still waits (default 10 s).</summary>
    public TimeSpan? ProgressInterval { get; set; }

    /// <summary>Calls one identity may have held at once on this instance (default 16); beyond, -31009 <c>too_many_held_calls</c>.</summary>
    public int? MaxHeldPerIdentity { get; set; }

    /// <summary>Notices of held calls sent per identity and rule within <see cref="NoticeWindow"/> (default 5); beyond, they are dropped and counted.</summary>
    public int? MaxNoticesPerWindow { get; set; }

    /// <summary>The window <see cref="MaxNoticesPerWindow"/> counts in (default one minute).</summary>
    public TimeSpan? NoticeWindow { get; set; }

    /// <summary>A Slack-compatible incoming webhook told of every held call; absent, approvers learn of calls through the CLI or admin API.</summary>
    public ApprovalWebhookOptions? Webhook { get; set; }

    /// <summary>
    /// Approver groups whose members may see a held call's raw arguments (each look is recorded) and approve a call
    /// whose masking hides more than <see cref="MaxMaskedShare"/>; default none.
    /// </summary>
    public string[]? RevealGroups { get; set; }

    /// <summary>The share of a call's arguments masked spans may hide (0 to 1) before only a reveal group may approve it; default 0.25.</summary>
    public double? MaxMaskedShare { get; set; }
}
