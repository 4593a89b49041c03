namespace McpGateway.Core.Configuration;

/// <summary>The <c>audit.retention</c> section: how long records are kept. Purging needs the checkpoint signing key.</summary>
internal sealed class AuditRetentionOptions
{
    /// <summary>Records older than this are purged (e.g. <c>90.00:00:00</c>).</summary>
    public TimeSpan? MaxAge { get; set; }

    /// <summary>At most this many records are kept; the oldest beyond it are purged.</summary>
    public long? MaxRecords { get; set; }

    /// <summary>How often the gateway purges (default one hour); <c>mcpgw audit purge</c> purges on demand.</summary>
    public TimeSpan? PurgeInterval { get; set; }
}
