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

    /// <summary>
    /// With PostgreSQL, the log this instance appends to; each instance its own (<see cref="DefaultLogId"/> unless configured).
    /// Settings built in code default to <see cref="LegacyLogId"/>, the one chain a store holds that was written before logs.
    /// </summary>
    public string LogId { get; init; } = LegacyLogId;

    /// <summary>Null: records are kept forever.</summary>
    public AuditRetention? Retention { get; init; }

    /// <summary>False with <c>durability: normal</c>: commits are not flushed to the disk each time.</summary>
    public bool SyncCommits { get; init; } = true;

    /// <summary>Where checkpoints are also written: full file paths and absolute http(s) URLs.</summary>
    public IReadOnlyList<string> Anchors { get; init; } = [];

    /// <summary>Groups that may query the store over the admin API.</summary>
    public IReadOnlyList<string> AuditorGroups { get; init; } = [];

    public const string DefaultFileName = "audit.db";
    public const string LegacyLogId = "legacy";
    public const int MaxLogIdLength = 48;
    public const int DefaultQueueCapacity = 4096;
    public static readonly TimeSpan DefaultEnqueueTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The log id an instance takes when <c>audit.logId</c> is not set: its host name and its listener's port, lower-case,
    /// any other character than a letter, digit, <c>-</c> or <c>_</c> as <c>-</c> (<c>gw1.example.com</c> on 7443:
    /// <c>gw1-example-com-7443</c>). Stable across restarts, so a restarted instance continues its log; distinct for
    /// instances on one host.
    /// </summary>
    public static string DefaultLogId(string hostName, int port)
    {
        var suffix = "-" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var host = new string([.. hostName.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' ? c : '-')]).Trim('-');
        host = host.Length == 0 ? "gateway" : host[..Math.Min(host.Length, MaxLogIdLength - suffix.Length)].TrimEnd('-');
        return host + suffix;
    }

    /// <summary>Whether <paramref name="logId"/> is a valid <c>audit.logId</c>.</summary>
    public static bool IsValidLogId(string logId) =>
        logId.Length is > 0 and <= MaxLogIdLength && char.IsAsciiLetterOrDigit(logId[0]) && !logId.Any(char.IsAsciiLetterUpper)
        && logId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    internal static AuditSettings? Parse(AuditOptions? options, string baseDirectory, List<string> errors, int listenPort = 0)
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

        var logId = string.IsNullOrWhiteSpace(options.LogId) ? DefaultLogId(Environment.MachineName, listenPort) : options.LogId.Trim();
        if (!IsValidLogId(logId))
        {
            errors.Add($"audit.logId: '{options.LogId}' must be 1 to {MaxLogIdLength} lower-case letters, digits, '-' or '_', starting with a letter or digit");
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
            LogId = logId,
            Retention = AuditRetention.Parse(options.Retention, !string.IsNullOrWhiteSpace(options.SigningKeyFile), errors),
            SyncCommits = sync,
            AuditorGroups = [.. groups],
            Anchors = anchors,
        };
    }
}
