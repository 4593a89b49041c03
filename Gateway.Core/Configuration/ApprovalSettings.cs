namespace McpGateway.Core.Configuration;

/// <summary>The validated <c>approvals</c> section (its defaults when only a policy is configured).</summary>
public sealed record ApprovalSettings(string StorePath)
{
    public const string DefaultFileName = "approvals.db";

    public static readonly TimeSpan DefaultProgressInterval = TimeSpan.FromSeconds(10);

    /// <summary>Set when the store is PostgreSQL (then <see cref="StorePath"/> is unused); null for SQLite.</summary>
    public string? PostgresConnectionString { get; init; }

    public TimeSpan ProgressInterval { get; init; } = DefaultProgressInterval;

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
        var path = string.IsNullOrWhiteSpace(options.Path) ? DefaultFileName : options.Path;
        var revealGroups = options.RevealGroups ?? [];
        for (var i = 0; i < revealGroups.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(revealGroups[i]))
            {
                errors.Add($"approvals.revealGroups[{i}]: a group name is required");
            }
            else if (revealGroups.IndexOf(revealGroups[i]) < i)
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
            RevealGroups = [.. revealGroups],
            MaxMaskedShare = options.MaxMaskedShare ?? DefaultMaxMaskedShare,
        };
    }
}
