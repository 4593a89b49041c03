using System.Buffers;
using System.Text.Json;
using System.Text.RegularExpressions;
using McpGateway.Core.Chain;
using McpGateway.Core.Framing;
using McpGateway.Inspectors.Masking;
using McpGateway.Inspectors.Policy;
using McpGateway.Inspectors.Approval;
using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.External;

/// <summary>
/// An inspector that runs in another process, placed in the middle of the chain like any platform inspector (so
/// authentication, policy, masking and recording run around it as always). Only frames it asked for in <c>hello</c>
/// cross the process boundary; every other frame is forwarded at once, without a call. A frame from the upstream goes
/// out masked as for the audit record; a client's frame goes out as the upstream will get it. Its verdicts:
/// <list type="bullet">
/// <item><c>forward</c>; <c>reject</c> with a reason (-31003, the inspector as rule); <c>replace</c> (the chain checks the
/// new frame keeps the envelope, and the replacement is recorded with the inspector's name); <c>hold</c> (a client's
/// request waits for approvers, as an approve rule's would).</item>
/// <item>No verdict in the budget, no free slot, the inspector down or answering garbage: the frame is refused (fail
/// closed), or, only where its configuration says <c>onFailure: open</c>, passes and the pass is recorded.</item>
/// </list>
/// </summary>
internal sealed partial class ExternalInspector(
    ExternalInspectorClient client,
    ExternalInspectorAudit audit,
    ILogger<ExternalInspector> logger,
    IRecordMasker? masker = null,
    ApprovalGate? approvals = null) : IFrameInspector
{
    private readonly PolicyRule? _holdRule = client.Settings.Approval is { } approval
        ? new PolicyRule { Id = client.Name, Action = PolicyAction.Approve, Index = 0, Approval = approval }
        : null;

    public string Name => client.Name;

    /// <summary>Both: what it actually sees is narrowed per frame by its hello, which can change when it restarts.</summary>
    public InspectedDirections Directions => InspectedDirections.Both;

    public ValueTask<Verdict> InspectAsync(McpFrame frame, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var interest = client.Interest;
        if (interest is not null && !interest.Wants(frame))
        {
            return ValueTask.FromResult(Verdict.Forward);
        }

        // Never said hello yet, so nobody knows what it wants: every frame waits for it like one it asked for.
        return interest is null && !client.IsConnected
            ? FailedAsync(frame, InspectorFailure.Unavailable, "it has not said hello yet")
            : AskAsync(frame, cancellationToken);
    }

    private async ValueTask<Verdict> AskAsync(McpFrame frame, CancellationToken cancellationToken)
    {
        var answer = await client.InspectAsync(Parameters(frame), cancellationToken).ConfigureAwait(false);
        if (answer.Reply is not { } reply)
        {
            return await FailedAsync(frame, answer.Failure, answer.Detail).ConfigureAwait(false);
        }

        switch (reply.Verdict)
        {
            case "forward":
                return Verdict.Forward;
            case "reject":
                var reason = reply.Reason is { } r && ReasonPattern().IsMatch(r) ? r : ExternalInspectorErrors.Refused.Reason;
                ExternalInspectorLog.Refused(logger, frame.Session.Id, Name, frame.Method, reason);
                return Verdict.Reject(ExternalInspectorErrors.Refused with { Reason = reason, Rule = Name });
            case "replace" when reply.Frame is { ValueKind: JsonValueKind.Object } replacement:
                await audit.ReplacedAsync(frame, Name).ConfigureAwait(false);
                return Verdict.Replace(JsonSerializer.SerializeToUtf8Bytes(replacement));
            case "hold":
                return Hold(frame, cancellationToken);
            default:
                return await FailedAsync(frame, InspectorFailure.ProtocolError, $"'{reply.Verdict}' is not a verdict, or it lacks what it needs").ConfigureAwait(false);
        }
    }

    private Verdict Hold(McpFrame frame, CancellationToken cancellationToken)
    {
        var why = frame.Direction != FrameDirection.ClientToUpstream || frame.Kind != MessageKind.Request ? "only a client's request can wait for approval"
            : _holdRule is null ? "its configuration names no approval"
            : approvals is null ? "the gateway keeps no approvals"
            : null;
        if (why is not null)
        {
            ExternalInspectorLog.HoldRefused(logger, frame.Session.Id, Name, frame.Method, why);
            return Verdict.Reject(ExternalInspectorErrors.ApprovalRequired.WithRule(Name));
        }

        return approvals!.Hold(frame, _holdRule!, cancellationToken);
    }

    private async ValueTask<Verdict> FailedAsync(McpFrame frame, InspectorFailure failure, string? detail)
    {
        if (!client.Settings.FailOpen)
        {
            ExternalInspectorLog.FailedClosed(logger, frame.Session.Id, Name, frame.Method, failure, detail);
            return Verdict.Reject(ExternalInspectorErrors.For(failure).WithRule(Name));
        }

        ExternalInspectorLog.FailedOpen(logger, frame.Session.Id, Name, frame.Method, failure, detail);
        return await audit.PassedUncheckedAsync(frame, Name, ExternalInspectorErrors.For(failure).Reason).ConfigureAwait(false)
            ? Verdict.Forward
            : Verdict.Reject(Core.Errors.GatewayErrors.AuditUnavailable);
    }

    private Dictionary<string, object?> Parameters(McpFrame frame)
    {
        var fromUpstream = frame.Direction == FrameDirection.UpstreamToClient;
        var id = frame.Id.IsValue ? (fromUpstream ? masker?.MaskId(frame.Session, frame.Id) : null) ?? frame.Id.ToString() : null;
        var payload = (fromUpstream ? masker?.MaskForRecord(frame) : null) ?? frame.Payload.ToArray();
        return new Dictionary<string, object?>(8, StringComparer.Ordinal)
        {
            ["session"] = SessionFacts.For(frame.Session),
            ["direction"] = fromUpstream ? "upstreamToClient" : "clientToUpstream",
            ["kind"] = KindText(frame.Kind),
            ["id"] = id is null ? null : new RawJson(System.Text.Encoding.UTF8.GetBytes(id)),
            ["method"] = frame.Method,
            ["tool"] = frame.ToolName,
            ["sequence"] = frame.Sequence,
            ["frame"] = new RawJson(payload),
        };
    }

    private static string KindText(MessageKind kind) => kind switch
    {
        MessageKind.Request => "request",
        MessageKind.Notification => "notification",
        MessageKind.Response => "response",
        _ => "error",
    };

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex ReasonPattern();
}
