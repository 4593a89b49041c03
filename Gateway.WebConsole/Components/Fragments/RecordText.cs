using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using McpGateway.Core.Recording;

namespace McpGateway.WebConsole.Components.Fragments;

/// <summary>How the console writes an audit record's parts, as <c>mcpgw replay</c> names them.</summary>
internal static class RecordText
{
    /// <summary>Payloads above this many bytes start collapsed.</summary>
    public const int CollapseAbove = 2048;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static DateTimeOffset Time(AuditRecord record) => DateTimeOffset.UnixEpoch.AddTicks(record.TimeMicros * TimeSpan.TicksPerMicrosecond);

    public static string At(AuditRecord record) => Time(record).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture);

    public static string Offset(AuditRecord record, AuditRecord first) =>
        string.Create(CultureInfo.InvariantCulture, $"+{(record.TimeMicros - first.TimeMicros) / 1000.0:F3} ms");

    public static string Direction(AuditRecord record) => record.Direction switch
    {
        "client_to_upstream" => "client → upstream",
        "upstream_to_client" => "upstream → client",
        _ => "",
    };

    /// <summary>What happened: the frame's kind and method, or the session event.</summary>
    public static string What(AuditRecord r)
    {
        var text = new StringBuilder(r.Kind switch
        {
            AuditEventKind.SessionStart => "session start",
            AuditEventKind.SessionEnd => "session end",
            AuditEventKind.SessionRefused => "session refused",
            AuditEventKind.AuditRead => "audit read",
            AuditEventKind.InvalidFrame => "invalid frame",
            AuditEventKind.Frame => r.MessageKind ?? "frame",
            _ => AuditEventKinds.ToText(r.Kind),
        });
        if (r.RpcId is not null)
        {
            text.Append(" id=").Append(r.RpcId);
        }

        if (r.Method is not null)
        {
            text.Append(' ').Append(r.Method);
        }

        if (r.Tool is not null)
        {
            text.Append(" (").Append(r.Tool).Append(')');
        }

        return text.ToString();
    }

    /// <summary>The verdict with its error code when the gateway generated the answer.</summary>
    public static string Verdict(AuditRecord r) =>
        r.ErrorCode is { } code ? string.Create(CultureInfo.InvariantCulture, $"{r.Verdict} ({code})") : r.Verdict ?? "";

    /// <summary>The masked payload, pretty-printed when it is JSON.</summary>
    public static string Payload(AuditRecord r)
    {
        if (r.Payload is null)
        {
            return "";
        }

        try
        {
            return JsonNode.Parse(r.Payload)?.ToJsonString(Indented) ?? "null";
        }
        catch (JsonException)
        {
            return Encoding.UTF8.GetString(r.Payload);
        }
    }

    public static bool IsLarge(AuditRecord r) => r.Payload is { Length: > CollapseAbove };

    public static bool IsRefusal(AuditRecord r) => r.Verdict is not (null or "forwarded" or "read" or "allowed");
}
