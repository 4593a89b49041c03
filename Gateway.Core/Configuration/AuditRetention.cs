namespace McpGateway.Core.Configuration;

/// <summary>The validated <c>audit.retention</c> section: at least one of <see cref="MaxAge"/> and <see cref="MaxRecords"/>.</summary>
internal sealed record AuditRetention(TimeSpan? MaxAge, long? MaxRecords, TimeSpan PurgeInterval)
{
    public static readonly TimeSpan DefaultPurgeInterval = TimeSpan.FromHours(1);

    internal static AuditRetention? Parse(AuditRetentionOptions? options, bool signed, List<string> errors)
    {
        if (options is null)
        {
            return null;
        }

        if (options.MaxAge is null && options.MaxRecords is null)
        {
            errors.Add("audit.retention: set maxAge, maxRecords or both");
        }

        if (options.MaxAge is { } age && age <= TimeSpan.Zero)
        {
            errors.Add("audit.retention.maxAge: must be positive");
        }

        if (options.MaxRecords is < 1)
        {
            errors.Add("audit.retention.maxRecords: must be at least 1");
        }

        var interval = options.PurgeInterval ?? DefaultPurgeInterval;
        if (interval <= TimeSpan.Zero)
        {
            errors.Add("audit.retention.purgeInterval: must be positive");
        }

        if (!signed)
        {
            errors.Add("audit.retention: needs audit.signingKeyFile (a purge is proven by a signed anchor, or verify reports it as deletion)");
        }

        return new AuditRetention(options.MaxAge, options.MaxRecords, interval);
    }
}
