using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.Recording;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// An audit query, for <c>mcpgw audit query</c> and <c>GET /audit/records</c>: the records matching every given filter,
/// oldest first, as a table, JSON lines or a JSON array. A group matches the records of sessions whose identity had the
/// group at session start. Paging: at most <see cref="Limit"/> records, those after sequence <see cref="After"/>.
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

    /// <summary>Only records with a higher sequence: the last sequence of the previous page.</summary>
    public long? After { get; init; }

    /// <summary>At most this many records.</summary>
    public int? Limit { get; init; }

    /// <summary>The option names <see cref="Parse"/> reads.</summary>
    public static readonly string[] OptionNames = ["subject", "group", "connection", "tool", "verdict", "since", "until", "after", "limit"];

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

        long? Number(string name, long minimum)
        {
            if (!options.TryGetValue(name, out var text))
            {
                return null;
            }

            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum)
            {
                return value;
            }

            error.WriteLine($"mcpgw: --{name} '{text}' is not a whole number of at least {minimum}");
            return -1;
        }

        var limit = Number("limit", 1);
        var query = new AuditQuery
        {
            Subject = options.GetValueOrDefault("subject"),
            Group = options.GetValueOrDefault("group"),
            Connection = options.GetValueOrDefault("connection"),
            Tool = options.GetValueOrDefault("tool"),
            Verdict = options.GetValueOrDefault("verdict"),
            Since = Time("since"),
            Until = Time("until"),
            After = Number("after", 0),
            Limit = limit is null or -1 ? null : (int)Math.Min(limit.Value, int.MaxValue),
        };
        return query.Since == DateTimeOffset.MinValue || query.Until == DateTimeOffset.MinValue || query.After == -1 || limit == -1 ? null : query;
    }

    /// <summary>The matching records of <paramref name="store"/>, oldest first, at most <see cref="Limit"/>.</summary>
    public async IAsyncEnumerable<StoredAuditRecord> MatchAsync(IAuditStore store, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var sessionsInGroup = new HashSet<string>(StringComparer.Ordinal);

        // A group filter needs the session starts before the page too.
        var from = Group is null && After is { } after ? after + 1 : 1;
        var count = 0;
        await foreach (var stored in store.ReadAsync(from, cancellationToken).ConfigureAwait(false))
        {
            var r = stored.Record;
            if (Group is not null && r.Kind == AuditEventKind.SessionStart && (r.Groups ?? "").Split('\n').Contains(Group, StringComparer.Ordinal))
            {
                sessionsInGroup.Add(r.SessionId);
            }

            var time = Time(r);
            if ((After is { } cursor && stored.Sequence <= cursor)
                || (Subject is not null && r.Subject != Subject)
                || (Group is not null && !sessionsInGroup.Contains(r.SessionId))
                || (Connection is not null && r.Connection != Connection)
                || (Tool is not null && r.Tool != Tool)
                || (Verdict is not null && r.Verdict != Verdict)
                || (Since is { } since && time < since)
                || (Until is { } until && time >= until))
            {
                continue;
            }

            yield return stored;
            if (++count == Limit)
            {
                yield break;
            }
        }
    }

    private static DateTimeOffset Time(AuditRecord record) => DateTimeOffset.UnixEpoch.AddTicks(record.TimeMicros * TimeSpan.TicksPerMicrosecond);

    /// <summary>The filters that were given, as name and value: the scope an <c>audit_read</c> record names.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Scope()
    {
        var scope = new List<KeyValuePair<string, string>>();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                scope.Add(new(name, value));
            }
        }

        Add("subject", Subject);
        Add("group", Group);
        Add("connection", Connection);
        Add("tool", Tool);
        Add("verdict", Verdict);
        Add("since", Since?.ToString("O", CultureInfo.InvariantCulture));
        Add("until", Until?.ToString("O", CultureInfo.InvariantCulture));
        Add("after", After?.ToString(CultureInfo.InvariantCulture));
        Add("limit", Limit?.ToString(CultureInfo.InvariantCulture));
        return scope;
    }

    /// <summary>For the command line: the matching records, read in full before anything is shown (the read is recorded first).</summary>
    public async Task<List<StoredAuditRecord>> CollectAsync(IAuditStore store, CancellationToken cancellationToken)
    {
        var records = new List<StoredAuditRecord>();
        await foreach (var stored in MatchAsync(store, cancellationToken).ConfigureAwait(false))
        {
            records.Add(stored);
        }

        return records;
    }

    /// <summary>For the command line: a table (every value escaped for the terminal), or JSON lines with the masked payloads.</summary>
    /// <param name="log">The PostgreSQL log the records are from: JSON lines name it (<c>"log"</c>).</param>
    public static async Task WriteAsync(IReadOnlyList<StoredAuditRecord> records, bool json, TextWriter output, CancellationToken cancellationToken, string? log = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(output);
        if (!json)
        {
            await output.WriteLineAsync($"{"seq",8}  {"time (UTC)",-24}  {"kind",-13}  {"session",-24}  {"subject",-16}  {"connection",-12}  {"direction",-18}  {"method",-16}  {"tool",-16}  {"verdict",-10}  reason").ConfigureAwait(false);
        }

        foreach (var stored in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await output.WriteLineAsync(json ? Json(stored, log) : Row(stored, Time(stored.Record))).ConfigureAwait(false);
        }
    }

    private static string Row(StoredAuditRecord stored, DateTimeOffset time)
    {
        var r = stored.Record;
        return string.Create(CultureInfo.InvariantCulture,
            $"{stored.Sequence,8}  {time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture),-24}  {AuditEventKinds.ToText(r.Kind),-13}  {P(r.SessionId),-24}  {P(r.Subject),-16}  {P(r.Connection),-12}  {P(r.Direction),-18}  {P(r.Method),-16}  {P(r.Tool),-16}  {P(r.Verdict),-10}  {P(r.Reason)}");
    }

    /// <summary>Every value from the store reaches the terminal through this: a caller may have put control characters in it.</summary>
    private static string P(string? value) => TerminalText.Printable(value);

    private static string Json(StoredAuditRecord stored, string? log)
    {
        if (log is not null)
        {
            // The object's first member, before the record's own.
            var record = Json(stored, null);
            return $"{{\"log\":{JsonSerializer.Serialize(log)},{record[1..]}";
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteJson(writer, stored);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>One record as a JSON object: every field, the groups as an array, the masked payload as JSON.</summary>
    public static void WriteJson(Utf8JsonWriter writer, StoredAuditRecord stored)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(stored);
        var r = stored.Record;
        var time = Time(r);
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
            if (r.Payload is { } payload)
            {
                Payload(writer, payload);
            }

            writer.WriteEndObject();
        }
    }

    /// <summary>
    /// The masked frame as the JSON it is, so that a reader can query into it (<c>jq .payload.params.name</c>); a payload
    /// that is not whole JSON (cut at the recording limit) stays a string.
    /// </summary>
    private static void Payload(Utf8JsonWriter writer, byte[] payload)
    {
        var reader = new Utf8JsonReader(payload);
        bool whole;
        try
        {
            whole = JsonDocument.TryParseValue(ref reader, out var document);
            document?.Dispose();
            whole = whole && reader.BytesConsumed == payload.Length;
        }
        catch (JsonException)
        {
            whole = false;
        }

        writer.WritePropertyName("payload");
        if (whole)
        {
            writer.WriteRawValue(payload, skipInputValidation: true);
        }
        else
        {
            writer.WriteStringValue(Encoding.UTF8.GetString(payload));
        }
    }

    private static void Optional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
