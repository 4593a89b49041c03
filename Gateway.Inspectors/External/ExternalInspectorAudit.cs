using McpGateway.Core.Chain;
using McpGateway.Core.Framing;
using McpGateway.Inspectors.Masking;
using McpGateway.Core.Recording;

namespace McpGateway.Inspectors.External;

/// <summary>
/// The <c>inspector_verdict</c> records: what the frame's own record cannot say about an out-of-process inspector (a
/// replacement it made, a frame it could not judge that passed because its configuration fails open). Appended and
/// committed before the frame moves on, so the frame's own record follows it. Without an audit store there is nothing to
/// record a replacement in (fail open requires one).
/// </summary>
internal sealed class ExternalInspectorAudit(TimeProvider time, IAuditStore? store = null, IRecordMasker? masker = null)
{
    public const string ReplacedVerdict = "replaced";

    public const string PassedUncheckedVerdict = "passed_unchecked";

    public async ValueTask ReplacedAsync(McpFrame frame, string inspector)
    {
        if (store is not null)
        {
            await store.AppendAsync(Record(frame, inspector, ReplacedVerdict, null), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>False when the pass could not be recorded: the frame must then be refused.</summary>
    public async ValueTask<bool> PassedUncheckedAsync(McpFrame frame, string inspector, string reason)
    {
        if (store is null)
        {
            return false;
        }

        try
        {
            await store.AppendAsync(Record(frame, inspector, PassedUncheckedVerdict, reason), CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (AuditUnavailableException)
        {
            return false;
        }
    }

    private AuditRecord Record(McpFrame frame, string inspector, string verdict, string? reason)
    {
        var session = frame.Session;
        return new AuditRecord
        {
            TimeMicros = (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond,
            Kind = AuditEventKind.InspectorVerdict,
            SessionId = session.Id,
            Subject = session.Identity?.Subject,
            Connection = session.ConnectionName,
            Direction = frame.Direction == FrameDirection.ClientToUpstream ? "client_to_upstream" : "upstream_to_client",
            FrameSequence = frame.Sequence,
            MessageKind = frame.Kind switch
            {
                MessageKind.Request => "request",
                MessageKind.Notification => "notification",
                MessageKind.Response => "response",
                _ => "error",
            },
            RpcId = frame.Id.IsValue ? masker?.MaskId(session, frame.Id) ?? frame.Id.ToString() : null,
            Method = frame.Method,
            Tool = frame.ToolName,
            Verdict = verdict,
            Inspector = inspector,
            Reason = reason,
        };
    }
}
