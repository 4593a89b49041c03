using McpGateway.WebConsole.Access;
using McpGateway.Core.Configuration;
using McpGateway.Core.Recording;
using McpGateway.Inspectors.Recording;

namespace McpGateway.WebConsole.Audit;

/// <summary>
/// Reads of the audit store through the console, each recorded first as the admin API records its reads (an
/// <c>audit_read</c> record naming the person, <c>console</c> as the channel, the operation and the range); a read that
/// cannot be recorded is not shown (<see cref="AuditUnavailableException"/>).
/// </summary>
internal sealed class ConsoleAuditReads(IAuditStore store, ConsoleSettings console, TimeProvider timeProvider)
{
    public const string Via = "console";

    /// <summary>Upper bound of records a sessions page reads, so that one page cannot read the whole store.</summary>
    public const int MaxRecords = 10_000;

    public IAuditStore Store => store;

    /// <summary>The records of <paramref name="query"/>, recorded as read by <paramref name="person"/>.</summary>
    public async Task<List<StoredAuditRecord>> QueryAsync(ConsolePerson person, string? remoteAddress, AuditQuery query, CancellationToken cancellationToken)
    {
        var records = await query.CollectAsync(store, cancellationToken).ConfigureAwait(false);
        await RecordAsync(person, remoteAddress, "console/sessions", query.Scope(), records, cancellationToken).ConfigureAwait(false);
        return records;
    }

    /// <summary>Every record of one session, oldest first, as <c>mcpgw replay</c> reads them, recorded as read.</summary>
    public async Task<List<StoredAuditRecord>> SessionAsync(ConsolePerson person, string? remoteAddress, string sessionId, CancellationToken cancellationToken)
    {
        var records = new List<StoredAuditRecord>();
        await foreach (var stored in store.ReadAsync(1, cancellationToken).ConfigureAwait(false))
        {
            if (stored.Record.SessionId == sessionId)
            {
                records.Add(stored);
            }
        }

        // Also when the session is not there: looking for it is a read too.
        await RecordAsync(person, remoteAddress, "console/replay", [new("session", sessionId)], records, cancellationToken).ConfigureAwait(false);
        return records;
    }

    /// <summary>Records that <paramref name="person"/> read <paramref name="records"/> (or, with none, looked at the store's state).</summary>
    public async Task RecordAsync(ConsolePerson person, string? remoteAddress, string operation, IReadOnlyList<KeyValuePair<string, string>> scope, IReadOnlyList<StoredAuditRecord> records, CancellationToken cancellationToken)
    {
        var reader = new AuditReader(person.Subject, Via, console.ClientId, string.Join('\n', person.Groups), remoteAddress);
        await store.AppendAsync(AuditReadRecord.Create(reader, operation, scope, records, timeProvider), cancellationToken).ConfigureAwait(false);
    }
}
