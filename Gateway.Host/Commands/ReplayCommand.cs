using System.Globalization;
using System.Text;
using McpGateway.Core.Recording;

namespace McpGateway.Host.Commands;

/// <summary>
/// <c>mcpgw replay SESSION --config FILE</c>: a recorded session step by step as it happened, from the audit store
/// alone (masked payloads only; no upstream is contacted).
/// </summary>
internal static class ReplayCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        if (args is not [var session, .. var rest] || session.StartsWith("--", StringComparison.Ordinal)
            || Usage.Options(rest, "config") is not { } options || !options.TryGetValue("config", out var config))
        {
            await error.WriteLineAsync("usage: mcpgw replay SESSION --config FILE").ConfigureAwait(false);
            return Usage.BadUsage;
        }

        var store = await ConfiguredAuditStore.OpenAsync(config, "replay from", error).ConfigureAwait(false);
        if (store is null)
        {
            return 1;
        }

        var steps = 0;
        await using (store as IAsyncDisposable)
        {
            long? start = null;
            await foreach (var stored in store.ReadAsync(1, cancellationToken).ConfigureAwait(false))
            {
                var r = stored.Record;
                if (r.SessionId != session)
                {
                    continue;
                }

                start ??= r.TimeMicros;
                steps++;
                await output.WriteLineAsync(Step(steps, r, r.TimeMicros - start.Value)).ConfigureAwait(false);
            }
        }

        if (steps == 0)
        {
            await error.WriteLineAsync($"mcpgw: no session '{session}' in the audit store").ConfigureAwait(false);
            return 1;
        }

        return 0;
    }

    private static string Step(int step, AuditRecord r, long offsetMicros)
    {
        var at = string.Create(CultureInfo.InvariantCulture, $"[{step,4}] +{offsetMicros / 1000.0,10:F3} ms  ");
        switch (r.Kind)
        {
            case AuditEventKind.SessionStart:
                return at + $"session start: subject {r.Subject}, client {r.ClientId ?? "-"}, groups [{(r.Groups ?? "").Replace('\n', ',')}], connection {r.Connection}, from {r.RemoteAddress ?? "-"}";
            case AuditEventKind.SessionEnd:
                return at + $"session end: {r.Reason}" + (r.ProtocolVersion is null ? "" : $" (protocol {r.ProtocolVersion})");
            case AuditEventKind.SessionRefused:
                return at + string.Create(CultureInfo.InvariantCulture, $"session refused: {r.Reason} ({r.ErrorCode}), subject {r.Subject ?? "-"}, from {r.RemoteAddress ?? "-"}");
            default:
                var arrow = r.Direction == "client_to_upstream" ? "client -> upstream" : "upstream -> client";
                var text = new StringBuilder(at).Append(arrow).Append("  ");
                text.Append(r.Kind switch
                {
                    AuditEventKind.InvalidFrame => "invalid frame",
                    AuditEventKind.Frame => r.MessageKind,
                    _ => $"{AuditEventKinds.ToText(r.Kind)} ({r.Subject})",
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

                text.Append("  ").Append(r.Verdict);
                if (r.Inspector is not null)
                {
                    text.Append(" by ").Append(r.Inspector);
                }

                if (r.Reason is not null)
                {
                    text.Append(": ").Append(r.Reason);
                }

                if (r.ErrorCode is { } code && r.Verdict == "generated")
                {
                    text.Append(CultureInfo.InvariantCulture, $" ({code})");
                }

                if (r.Size is { } size)
                {
                    text.Append(CultureInfo.InvariantCulture, $"  [{size} B]");
                }

                if (r.Payload is not null)
                {
                    text.Append("\n       ").Append(Encoding.UTF8.GetString(r.Payload));
                }

                return text.ToString();
        }
    }
}
