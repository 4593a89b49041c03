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
        return new ApprovalSettings(System.IO.Path.GetFullPath(path, baseDirectory))
        {
            PostgresConnectionString = postgres,
            ProgressInterval = progress,
            Webhook = webhook,
        };
    }
}
