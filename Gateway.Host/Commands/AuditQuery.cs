using System.Globalization;
using System.Text;
using System.Text.Json;
using McpGateway.Core.Recording;

namespace McpGateway.Host.Commands;

/// <summary>
/// <c>mcpgw audit query</c>: the records matching every given filter, oldest first, as a table or JSON lines. A group
/// matches the records of sessions whose identity had the group at session start.
/// </summary>
internal sealed class AuditQuery
{
    public string? Subject { get; init; }

    public string? Group { get; init; }

    public string? Connection { get; init; }

    public string? Tool { get; init; }

    public string? Verdict { get; init; }

    public DateTimeOffset? Since { get; init; }

    public DateTimeOffset? Until { get; init; }

    public static AuditQuery? Parse(IReadOnlyDictionary<string, string> options, TextWriter error)
    {
        DateTimeOffset? Time(string name)
        {
            if (!options.TryGetValue(name, out var text))
            {
                return null;
            }

            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                return time;
            }

            error.WriteLine($"mcpgw: --{name} '{text}' is not a time, e.g. 2026-11-22T01:00:00Z");
            return DateTimeOffset.MinValue;
        }

        var query = new AuditQuery
        {
            Subject = options.GetValueOrDefault("subject"),
            Group = options.GetValueOrDefault("group"),
            Connection = options.GetValueOrDefault("connection"),
            Tool = options.GetValueOrDefault("tool"),
            Verdict = options.GetValueOrDefault("verdict"),
            Since = Time("since"),
            Until = Time("until"),
        };
        return query.Since == DateTimeOffset.MinValue || query.Until == DateTimeOffset.MinValue ? null : query;
    }

    public async Task<int> WriteAsync(IAsyncEnumerable<StoredAuditRecord> records, bool json, TextWriter output, CancellationToken cancellationToken)
    {
        var sessionsInGroup = new HashSet<string>(StringComparer.Ordinal);
        var count = 0;
        if (!json)
        {
            await output.WriteLineAsync($"{"seq",8}  {"time (UTC)",-24}  {"kind",-13}  {"session",-24}  {"subject",-16}  {"connection",-12}  {"direction",-18}  {"method",-16}  {"tool",-16}  {"verdict",-10}  reason").ConfigureAwait(false);
        }

        await foreach (var stored in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var r = stored.Record;
            if (Group is not null && r.Kind == AuditEventKind.SessionStart && (r.Groups ?? "").Split('\n').Contains(Group, StringComparer.Ordinal))
            {
                sessionsInGroup.Add(r.SessionId);
            }

            var time = DateTimeOffset.UnixEpoch.AddTicks(r.TimeMicros * TimeSpan.TicksPerMicrosecond);
            if ((Subject is not null && r.Subject != Subject)
                || (Group is not null && !sessionsInGroup.Contains(r.SessionId))
                || (Connection is not null && r.Connection != Connection)
                || (Tool is not null && r.Tool != Tool)
                || (Verdict is not null && r.Verdict != Verdict)
                || (Since is { } since && time < since)
                || (Until is { } until && time >= until))
            {
                continue;
            }

            count++;
            await output.WriteLineAsync(json ? Json(stored, time) : Row(stored, time)).ConfigureAwait(false);
        }

        return count;
    }

    private static string Row(StoredAuditRecord stored, DateTimeOffset time)
    {
        var r = stored.Record;
        return string.Create(CultureInfo.InvariantCulture,
            $"{stored.Sequence,8}  {time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture),-24}  {AuditEventKinds.ToText(r.Kind),-13}  {r.SessionId,-24}  {r.Subject,-16}  {r.Connection,-12}  {r.Direction,-18}  {r.Method,-16}  {r.Tool,-16}  {r.Verdict,-10}  {r.Reason}");
    }

    private static string Json(StoredAuditRecord stored, DateTimeOffset time)
    {
        var r = stored.Record;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("seq", stored.Sequence);
            writer.WriteString("time", time);
            writer.WriteString("kind", AuditEventKinds.ToText(r.Kind));
            writer.WriteString("sessionId", r.SessionId);
            Optional(writer, "subject", r.Subject);
            Optional(writer, "clientId", r.ClientId);
            if (r.Groups is not null)
            {
                writer.WriteStartArray("groups");
                foreach (var group in r.Groups.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    writer.WriteStringValue(group);
                }

                writer.WriteEndArray();
            }

            Optional(writer, "tokenHash", r.TokenHash);
            Optional(writer, "connection", r.Connection);
            Optional(writer, "remoteAddress", r.RemoteAddress);
            Optional(writer, "protocolVersion", r.ProtocolVersion);
            Optional(writer, "direction", r.Direction);
            if (r.FrameSequence is { } frame)
            {
                writer.WriteNumber("frameSeq", frame);
            }

            Optional(writer, "messageKind", r.MessageKind);
            Optional(writer, "id", r.RpcId);
            Optional(writer, "method", r.Method);
            Optional(writer, "tool", r.Tool);
            Optional(writer, "verdict", r.Verdict);
            Optional(writer, "inspector", r.Inspector);
            Optional(writer, "reason", r.Reason);
            if (r.ErrorCode is { } code)
            {
                writer.WriteNumber("errorCode", code);
            }

            if (r.Size is { } size)
            {
                writer.WriteNumber("size", size);
            }

            Optional(writer, "sha256", r.PayloadSha256);
            Optional(writer, "payload", r.Payload is null ? null : Encoding.UTF8.GetString(r.Payload));
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Optional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
