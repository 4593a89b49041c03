using System.Text.Json;
using McpGateway.Core.Recording;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// The record a read of the audit store leaves in the same chain: kind <c>audit_read</c>, the reader as subject and
/// connection, the operation as method, and in the reason and payload which range was read (the filter or session,
/// how many records, the first and last sequence). Each read gets a session id of its own.
/// </summary>
internal static class AuditReadRecord
{
    /// <param name="operation"><c>audit/query</c>, <c>audit/replay</c> or <c>GET /audit/records</c>.</param>
    /// <param name="scope">The filters as name and value, in the order given.</param>
    public static AuditRecord Create(AuditReader reader, string operation, IReadOnlyList<KeyValuePair<string, string>> scope, IReadOnlyList<StoredAuditRecord> records, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(records);
        var first = records.Count == 0 ? (long?)null : records[0].Sequence;
        var last = records.Count == 0 ? (long?)null : records[^1].Sequence;
        var filter = scope.Count == 0 ? "all records" : string.Join(' ', scope.Select(p => $"{p.Key}={p.Value}"));
        var range = first is null ? "" : first == last ? $", record {first}" : $", records {first}-{last}";
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("operation", operation);
            json.WriteStartObject("scope");
            foreach (var (name, value) in scope)
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
            json.WriteNumber("records", records.Count);
            if (first is { } from && last is { } to)
            {
                json.WriteNumber("firstSeq", from);
                json.WriteNumber("lastSeq", to);
            }

            json.WriteString("reader", reader.Subject);
            json.WriteString("via", reader.Via);
            json.WriteEndObject();
        }

        return new AuditRecord
        {
            TimeMicros = (timeProvider.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond,
            Kind = AuditEventKind.AuditRead,
            SessionId = "audit-read-" + Guid.NewGuid().ToString("N"),
            Subject = reader.Subject,
            ClientId = reader.ClientId,
            Groups = reader.Groups,
            TokenHash = reader.TokenHash,
            Connection = reader.Via,
            RemoteAddress = reader.RemoteAddress,
            Method = operation,
            Verdict = "read",
            Reason = $"{filter}: {records.Count} records{range}",
            Payload = buffer.ToArray(),
        };
    }
}
