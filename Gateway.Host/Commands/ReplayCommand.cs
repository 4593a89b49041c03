using System.Globalization;
using System.Text;
using McpGateway.Core.Diagnostics;
using McpGateway.Core.Recording;
using McpGateway.Host.Cli;

namespace McpGateway.Host.Commands;

/// <summary>
/// <c>mcpgw replay SESSION --config FILE</c>: a recorded session step by step as it happened, from the audit store
/// alone (masked payloads only; no upstream is contacted).
/// </summary>
internal static class ReplayCommand
{
    /// <summary><c>mcpgw replay</c> with <paramref name="args"/> (after <c>replay</c>), as typed.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        MainCommand.InvokeAsync(["replay", .. args], output, error, TimeProvider.System, cancellationToken);

    /// <param name="log">With PostgreSQL, the one log to search (<c>--log</c>); null for every log.</param>
    /// <param name="progress">Told how far the scan of each log for the session's records has come; null for no progress.</param>
    public static async Task<int> RunAsync(string session, string config, string? log, ProgressReporter? progress, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        // A session is recorded by the instance that served it, in its log: every log is searched unless one is named.
        var logs = await ConfiguredAuditStore.OpenLogsAsync(config, "replay from", error, log).ConfigureAwait(false);
        if (logs is null)
        {
            return 1;
        }

        var records = new List<StoredAuditRecord>();
        long scanned = 0;
        foreach (var (_, store) in logs)
        {
            await using (store as IAsyncDisposable)
            {
                var (head, _) = progress is null ? (0L, Array.Empty<byte>()) : await store.ReadHeadAsync(cancellationToken).ConfigureAwait(false);
                var found = new List<StoredAuditRecord>();
                await foreach (var stored in store.ReadAsync(1, cancellationToken).ConfigureAwait(false))
                {
                    if (stored.Record.SessionId == session)
                    {
                        found.Add(stored);
                    }

                    scanned++;
                    progress?.Report(stored.Sequence, head);
                }

                // Recorded in each log before anything is shown, also when the session is not there: looking for it is a read too.
                if (!await CommandLineAuditRead.RecordAsync(store, "audit/replay", [new("session", session)], found, error, cancellationToken).ConfigureAwait(false))
                {
                    return 1;
                }

                records.AddRange(found);
            }
        }

        progress?.Complete(scanned);

        if (records.Count == 0)
        {
            await error.WriteLineAsync($"mcpgw: no session '{P(session)}' in the audit store").ConfigureAwait(false);
            return 1;
        }

        var start = records[0].Record.TimeMicros;
        for (var step = 0; step < records.Count; step++)
        {
            var r = records[step].Record;
            await output.WriteLineAsync(Step(step + 1, r, r.TimeMicros - start)).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>Every value from the store goes to the terminal through this: it may carry control characters.</summary>
    private static string P(string? value) => TerminalText.Printable(value);

    private static string Step(int step, AuditRecord r, long offsetMicros)
    {
        var at = string.Create(CultureInfo.InvariantCulture, $"[{step,4}] +{offsetMicros / 1000.0,10:F3} ms  ");
        switch (r.Kind)
        {
            case AuditEventKind.SessionStart:
                return at + $"session start: subject {P(r.Subject)}, client {P(r.ClientId ?? "-")}, groups [{P((r.Groups ?? "").Replace('\n', ','))}], connection {P(r.Connection)}, from {P(r.RemoteAddress ?? "-")}";
            case AuditEventKind.SessionEnd:
                return at + $"session end: {P(r.Reason)}" + (r.ProtocolVersion is null ? "" : $" (protocol {P(r.ProtocolVersion)})");
            case AuditEventKind.AuditRead:
                return at + $"audit read by {P(r.Subject)} via {P(r.Connection)} from {P(r.RemoteAddress ?? "-")}: {P(r.Method)} {P(r.Reason)}";
            case AuditEventKind.SessionRefused:
                return at + string.Create(CultureInfo.InvariantCulture, $"session refused: {P(r.Reason)} ({r.ErrorCode}), subject {P(r.Subject ?? "-")}, from {P(r.RemoteAddress ?? "-")}");
            default:
                var arrow = r.Direction == "client_to_upstream" ? "client -> upstream" : "upstream -> client";
                var text = new StringBuilder(at).Append(arrow).Append("  ");
                text.Append(r.Kind switch
                {
                    AuditEventKind.InvalidFrame => "invalid frame",
                    AuditEventKind.Frame => P(r.MessageKind),
                    _ => $"{AuditEventKinds.ToText(r.Kind)} ({P(r.Subject)})",
                });
                if (r.RpcId is not null)
                {
                    text.Append(" id=").Append(P(r.RpcId));
                }

                if (r.Method is not null)
                {
                    text.Append(' ').Append(P(r.Method));
                }

                if (r.Tool is not null)
                {
                    text.Append(" (").Append(P(r.Tool)).Append(')');
                }

                text.Append("  ").Append(P(r.Verdict));
                if (r.Inspector is not null)
                {
                    text.Append(" by ").Append(P(r.Inspector));
                }

                if (r.Reason is not null)
                {
                    text.Append(": ").Append(P(r.Reason));
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
                    text.Append("\n       ").Append(P(Encoding.UTF8.GetString(r.Payload)));
                }

                return text.ToString();
        }
    }
}
