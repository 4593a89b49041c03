namespace McpGateway.Inspectors.Recording;

/// <summary>
/// Who reads the audit store, as its <c>audit_read</c> record names them: the admin API's authenticated subject (with
/// its client, groups and address), or the command line's operating-system user on its host.
/// </summary>
/// <param name="Subject">The authenticated subject, or for the command line <c>os:USER</c>.</param>
/// <param name="Via"><c>admin_api</c> or <c>cli</c>; stored as the record's connection.</param>
internal sealed record AuditReader(string Subject, string Via, string? ClientId = null, string? Groups = null, string? RemoteAddress = null, string? TokenHash = null)
{
    /// <summary>The user running this process, on this host.</summary>
    public static AuditReader CommandLine() =>
        new("os:" + Environment.UserName, "cli", "mcpgw", RemoteAddress: "host:" + Environment.MachineName);
}
