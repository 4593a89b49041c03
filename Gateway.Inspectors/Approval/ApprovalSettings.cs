using McpGateway.Core.Configuration;

namespace McpGateway.Inspectors.Approval;

/// <summary>The validated <c>approvals</c> section (its defaults when only a policy is configured).</summary>
internal sealed record ApprovalSettings(string StorePath)
{
    public const string DefaultFileName = "approvals.db";

    public static readonly TimeSpan DefaultProgressInterval = TimeSpan.FromSeconds(10);
    public const int DefaultMaxHeldPerIdentity = 16;
    public const int DefaultMaxNoticesPerWindow = 5;
    public static readonly TimeSpan DefaultNoticeWindow = TimeSpan.FromMinutes(1);

    /// <summary>Set when the store is PostgreSQL (then <see cref="StorePath"/> is unused); null for SQLite.</summary>
    public string? PostgresConnectionString { get; init; }

    public TimeSpan ProgressInterval { get; init; } = DefaultProgressInterval;

    /// <summary>Calls one identity may have held at once on this instance; beyond, -31009 <c>too_many_held_calls</c>.</summary>
    public int MaxHeldPerIdentity { get; init; } = DefaultMaxHeldPerIdentity;

    /// <summary>Notices sent per identity and rule within <see cref="NoticeWindow"/>; the rest are dropped and counted.</summary>
    public int MaxNoticesPerWindow { get; init; } = DefaultMaxNoticesPerWindow;

    public TimeSpan NoticeWindow { get; init; } = DefaultNoticeWindow;

    /// <summary>Where notices of held calls are posted; null when not configured.</summary>
    public ApprovalWebhookSettings? Webhook { get; init; }

    public const double DefaultMaxMaskedShare = 0.25;

    /// <summary>Groups whose members may see raw arguments and approve a call hidden beyond <see cref="MaxMaskedShare"/>.</summary>
    public IReadOnlyList<string> RevealGroups { get; init; } = [];

    /// <summary>The share of a call's arguments its masked spans may hide before only a reveal group may approve it.</summary>
    public double MaxMaskedShare { get; init; } = DefaultMaxMaskedShare;

    /// <summary>Null when there is neither an <c>approvals</c> section nor a policy whose approve rules would need one.</summary>
    internal static ApprovalSettings? Parse(ApprovalOptions? options, bool hasPolicy, string baseDirectory, List<string> errors)
    {
        if (options is null && !hasPolicy)
        {
            return null;
        }

        options ??= new ApprovalOptions();
        string? postgres = null;
        switch (options.Store?.Trim().ToUpperInvariant())
        {
            case null or "" or "SQLITE":
                break;
            case "POSTGRES":
                postgres = options.ConnectionString;
                if (string.IsNullOrWhiteSpace(postgres))
                {
                    errors.Add("approvals.connectionString: required with store postgres");
                }

                break;
            default:
                errors.Add($"approvals.store: '{options.Store}' is not one of sqlite, postgres");
                break;
        }

        var progress = GatewaySettingsLoader.PositiveTime(options.ProgressInterval, DefaultProgressInterval, "approvals.progressInterval", errors);
        var webhook = ApprovalWebhookSettings.Parse(options.Webhook, baseDirectory, errors);
        var maxHeld = AtLeastOne(options.MaxHeldPerIdentity, DefaultMaxHeldPerIdentity, "approvals.maxHeldPerIdentity", errors);
        var maxNotices = AtLeastOne(options.MaxNoticesPerWindow, DefaultMaxNoticesPerWindow, "approvals.maxNoticesPerWindow", errors);
        var noticeWindow = GatewaySettingsLoader.PositiveTime(options.NoticeWindow, DefaultNoticeWindow, "approvals.noticeWindow", errors);
        var path = string.IsNullOrWhiteSpace(options.Path) ? DefaultFileName : options.Path;
        var revealGroups = options.RevealGroups ?? [];
        for (var i = 0; i < revealGroups.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(revealGroups[i]))
            {
                errors.Add($"approvals.revealGroups[{i}]: a group name is required");
            }
            else if (Array.IndexOf(revealGroups, revealGroups[i]) < i)
            {
                errors.Add($"approvals.revealGroups[{i}]: '{revealGroups[i]}' is listed twice");
            }
        }

        if (options.MaxMaskedShare is { } share && !(share is >= 0 and <= 1))
        {
            errors.Add($"approvals.maxMaskedShare: {share} is not between 0 and 1 (a share of the arguments, e.g. 0.25)");
        }

        return new ApprovalSettings(System.IO.Path.GetFullPath(path, baseDirectory))
        {
            PostgresConnectionString = postgres,
            ProgressInterval = progress,
            Webhook = webhook,
            MaxHeldPerIdentity = maxHeld,
            MaxNoticesPerWindow = maxNotices,
            NoticeWindow = noticeWindow,
            RevealGroups = [.. revealGroups],
            MaxMaskedShare = options.MaxMaskedShare ?? DefaultMaxMaskedShare,
        };
    }

    private static int AtLeastOne(int? value, int fallback, string path, List<string> errors)
    {
        if (value is < 1)
        {
            errors.Add($"{path}: must be at least 1, was {value}");
            return fallback;
        }

        return value ?? fallback;
    }
}
