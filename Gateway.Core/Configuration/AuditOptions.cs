namespace McpGateway.Core.Configuration;

/// <summary>The <c>audit</c> section: session recording. Absent: nothing is recorded, and the session's recording stage only counts.</summary>
internal sealed class AuditOptions
{
    /// <summary><c>sqlite</c> (default, embedded) or <c>postgres</c> (one shared database for several gateway instances).</summary>
    public string? Store { get; set; }

    /// <summary>The PostgreSQL connection string (Npgsql keyword format); required with store <c>postgres</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// With store <c>postgres</c>: the log this instance writes (lower-case letters, digits, <c>-</c> and <c>_</c>, up to 48);
    /// default the host name and the listener's port. <c>legacy</c> is the one chain a store written before logs holds.
    /// </summary>
    public string? LogId { get; set; }

    /// <summary>The SQLite file of the audit store, relative to the configuration file; default <c>audit.db</c> next to it.</summary>
    public string? Path { get; set; }

    /// <summary>Records waiting for their commit at most; beyond, a caller waits up to <see cref="EnqueueTimeout"/>, then is refused.</summary>
    public int? QueueCapacity { get; set; }

    /// <summary>How long a record may wait for room in a full queue before its frame is refused with -31006 (default 2 s).</summary>
    public TimeSpan? EnqueueTimeout { get; set; }

    /// <summary>PEM file of the ECDSA P-256 key that signs checkpoints (<c>mcpgw audit keygen</c>); absent, no checkpoints are signed.</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>How often the chain head is signed, also when idle (default 60 s).</summary>
    public TimeSpan? CheckpointInterval { get; set; }

    /// <summary>
    /// Where each signed checkpoint is also written, outside the store: file paths (relative to the configuration file;
    /// each line a checkpoint as JSON, best on another volume) and <c>http</c>/<c>https</c> URLs (POSTed as JSON, with
    /// retries, e.g. a SIEM collector). <c>mcpgw audit verify --anchors</c> checks the store against them.
    /// </summary>
    public string[]? Anchors { get; set; }

    /// <summary>How long records are kept; absent, they are kept forever.</summary>
    public AuditRetentionOptions? Retention { get; set; }

    /// <summary>
    /// <c>full</c> (default): each group commit reaches the disk before its frames move on (SQLite synchronous FULL,
    /// PostgreSQL synchronous_commit on). <c>normal</c>: committed records survive a crash of the gateway but may be lost
    /// with the machine's power (SQLite synchronous NORMAL, PostgreSQL synchronous_commit off).
    /// </summary>
    public string? Durability { get; set; }

    /// <summary>Groups whose members may query the audit store over the admin HTTP API; absent or empty, nobody may.</summary>
    public string[]? AuditorGroups { get; set; }
}
