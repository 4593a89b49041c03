namespace McpGateway.Core.Configuration;

/// <summary>The validated <c>audit</c> section.</summary>
internal sealed record AuditSettings(string StorePath, int QueueCapacity, TimeSpan EnqueueTimeout)
{
    public static readonly TimeSpan DefaultCheckpointInterval = TimeSpan.FromSeconds(60);

    /// <summary>The checkpoint signing key's PEM file; null when checkpoints are not signed.</summary>
    public string? SigningKeyFile { get; init; }

    public TimeSpan CheckpointInterval { get; init; } = DefaultCheckpointInterval;

    /// <summary>Set when the store is PostgreSQL (then <see cref="StorePath"/> is unused); null for SQLite.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>Null: records are kept forever.</summary>
    public AuditRetention? Retention { get; init; }

    /// <summary>False with <c>durability: normal</c>: commits are not flushed to the disk each time.</summary>
    public bool SyncCommits { get; init; } = true;

    /// <summary>Where checkpoints are also written: full file paths and absolute http(s) URLs.</summary>
    public IReadOnlyList<string> Anchors { get; init; } = [];

    /// <summary>Groups that may query the store over the admin API.</summary>
    public IReadOnlyList<string> AuditorGroups { get; init; } = [];

    public const string DefaultFileName = "audit.db";
    public const int DefaultQueueCapacity = 4096;
    public static readonly TimeSpan DefaultEnqueueTimeout = TimeSpan.FromSeconds(2);

    internal static AuditSettings? Parse(AuditOptions? options, string baseDirectory, List<string> errors)
    {
        if (options is null)
        {
            return null;
        }

        var path = string.IsNullOrWhiteSpace(options.Path) ? DefaultFileName : options.Path;
        var capacity = options.QueueCapacity ?? DefaultQueueCapacity;
        if (capacity < 1)
        {
            errors.Add("audit.queueCapacity: must be at least 1");
        }

        var timeout = options.EnqueueTimeout ?? DefaultEnqueueTimeout;
        if (timeout <= TimeSpan.Zero)
        {
            errors.Add("audit.enqueueTimeout: must be positive");
        }

        string? keyFile = null;
        if (!string.IsNullOrWhiteSpace(options.SigningKeyFile))
        {
            keyFile = System.IO.Path.GetFullPath(options.SigningKeyFile, baseDirectory);
            if (!File.Exists(keyFile))
            {
                errors.Add($"audit.signingKeyFile: '{keyFile}' does not exist (create one with: mcpgw audit keygen --out FILE)");
            }
        }

        string? postgres = null;
        switch (options.Store?.Trim().ToUpperInvariant())
        {
            case null or "" or "SQLITE":
                break;
            case "POSTGRES":
                postgres = options.ConnectionString;
                if (string.IsNullOrWhiteSpace(postgres))
                {
                    errors.Add("audit.connectionString: required with store postgres");
                }

                break;
            default:
                errors.Add($"audit.store: '{options.Store}' is not one of sqlite, postgres");
                break;
        }

        var interval = options.CheckpointInterval ?? DefaultCheckpointInterval;
        if (interval <= TimeSpan.Zero)
        {
            errors.Add("audit.checkpointInterval: must be positive");
        }

        var sync = true;
        switch (options.Durability?.Trim().ToUpperInvariant())
        {
            case null or "" or "FULL":
                break;
            case "NORMAL":
                sync = false;
                break;
            default:
                errors.Add($"audit.durability: '{options.Durability}' is not one of full, normal");
                break;
        }

        var groups = options.AuditorGroups ?? [];
        if (groups.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("audit.auditorGroups: a group name may not be empty");
        }

        var anchors = new List<string>();
        foreach (var anchor in options.Anchors ?? [])
        {
            if (string.IsNullOrWhiteSpace(anchor))
            {
                errors.Add("audit.anchors: an anchor may not be empty");
            }
            else if (anchor.Contains("://", StringComparison.Ordinal))
            {
                if (!Uri.TryCreate(anchor, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                {
                    errors.Add($"audit.anchors: '{anchor}' is neither a file path nor an http or https URL");
                }
                else
                {
                    anchors.Add(anchor);
                }
            }
            else
            {
                var file = System.IO.Path.GetFullPath(anchor, baseDirectory);
                if (!Directory.Exists(System.IO.Path.GetDirectoryName(file)))
                {
                    errors.Add($"audit.anchors: the directory of '{file}' does not exist");
                }

                anchors.Add(file);
            }
        }

        if (anchors.Count > 0 && keyFile is null)
        {
            errors.Add("audit.anchors: needs audit.signingKeyFile (anchors keep signed checkpoints)");
        }

        return new AuditSettings(System.IO.Path.GetFullPath(path, baseDirectory), capacity, timeout)
        {
            SigningKeyFile = keyFile,
            CheckpointInterval = interval,
            PostgresConnectionString = postgres,
            Retention = AuditRetention.Parse(options.Retention, !string.IsNullOrWhiteSpace(options.SigningKeyFile), errors),
            SyncCommits = sync,
            AuditorGroups = [.. groups],
            Anchors = anchors,
        };
    }
}
