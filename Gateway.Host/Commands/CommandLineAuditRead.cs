using McpGateway.Core.Recording;
using McpGateway.Inspectors.Recording;

namespace McpGateway.Host.Commands;

/// <summary>
/// Reading the audit store from the command line leaves an <c>audit_read</c> record in the same chain, naming the
/// operating-system user, the host and the range read. It is committed before anything is shown: a read that cannot
/// be recorded shows nothing.
/// </summary>
internal static class CommandLineAuditRead
{
    public static async Task<bool> RecordAsync(IAuditStore store, string operation, IReadOnlyList<KeyValuePair<string, string>> scope, IReadOnlyList<StoredAuditRecord> records, TextWriter error, CancellationToken cancellationToken)
    {
        var record = AuditReadRecord.Create(AuditReader.CommandLine(), operation, scope, records, TimeProvider.System);
        try
        {
            await store.AppendAsync(record, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AuditUnavailableException ex)
        {
            await error.WriteLineAsync($"mcpgw: this read could not be recorded in the audit store ({ex.InnerException?.Message ?? ex.Message}); nothing is shown").ConfigureAwait(false);
            return false;
        }
    }
}
