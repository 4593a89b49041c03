using McpGateway.Core.Recording;
using McpGateway.Tests.EndToEnd.Recording;

namespace McpGateway.Tests.EndToEnd.FrontDoor;

/// <summary>Reads one session's audit records from a gateway's SQLite store once its end has been recorded.</summary>
internal static class RecordedSession
{
    public static async Task<List<AuditRecord>> ReadAsync(string auditPath, string sessionId, CancellationToken cancellationToken)
    {
        var records = new List<AuditRecord>();
        for (var attempt = 0; attempt < 40 && !records.Any(r => r.Kind == AuditEventKind.SessionEnd); attempt++)
        {
            await Task.Delay(100, cancellationToken);
            records.Clear();
            await using var store = SqliteAuditStoreTestsAccess.Open(auditPath);
            await foreach (var stored in store.ReadAsync(1, cancellationToken))
            {
                if (stored.Record.SessionId == sessionId)
                {
                    records.Add(stored.Record);
                }
            }
        }

        return records;
    }
}
