using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using McpGateway.Inspectors.Approval;
using McpGateway.Core.Identity;
using McpGateway.Core.Recording;

namespace McpGateway.Inspectors.Approval;

/// <summary>
/// The audit records of approvals, next to the frame records of the same session: a call held (with its masked
/// arguments), each vote with its approver, the outcome with every vote, and each use of a grant. Without an audit
/// store nothing is recorded. An append that fails throws <see cref="AuditUnavailableException"/>: the gate then refuses
/// the call (fail closed).
/// </summary>
internal sealed class ApprovalAudit(IAuditStore? store, TimeProvider timeProvider)
{
    public const string Direction = "client_to_upstream";

    public ValueTask RequestedAsync(ApprovalRequest request, CancellationToken cancellationToken) =>
        AppendAsync(request, AuditEventKind.ApprovalRequested, request.Subject, "held", null, json =>
        {
            json.WriteString("approvalId", request.Id);
            json.WriteString("rule", request.RuleId);
            json.WriteStartArray("approverGroups");
            foreach (var group in request.ApproverGroups)
            {
                json.WriteStringValue(group);
            }

            json.WriteEndArray();
            json.WriteNumber("requiredApprovals", request.RequiredApprovals);
            json.WriteString("expiresAt", request.ExpiresAt);
            json.WriteString("argumentsHash", request.ArgumentsHash);
            json.WritePropertyName("arguments");
            if (request.MaskedArguments is { } masked)
            {
                json.WriteRawValue(masked, skipInputValidation: true);
            }
            else
            {
                json.WriteNullValue();
            }
        }, cancellationToken);

    public ValueTask VoteAsync(ApprovalRequest request, GatewayIdentity approver, ApprovalVote vote, ApprovalVoteResult result, CancellationToken cancellationToken) =>
        AppendAsync(request, AuditEventKind.ApprovalVote, approver.Subject, vote.Approve ? "approve" : "deny", ResultText(result), json =>
        {
            json.WriteString("approvalId", request.Id);
            json.WriteString("approver", approver.Subject);
            json.WriteString("requester", request.Subject);
            json.WriteBoolean("approve", vote.Approve);
            json.WriteString("reason", vote.Reason);
            if (vote.Grant is { } grant)
            {
                json.WriteStartObject("grant");
                json.WriteString("duration", grant.Duration.ToString("c", CultureInfo.InvariantCulture));
                json.WriteBoolean("sameArgumentsOnly", grant.SameArgumentsOnly);
                json.WriteEndObject();
            }

            json.WriteString("result", ResultText(result));
        }, cancellationToken);

    /// <summary>An approver was shown the raw arguments: recorded before they are, so that no look goes unrecorded.</summary>
    public ValueTask RevealedAsync(ApprovalRequest request, GatewayIdentity revealer, CancellationToken cancellationToken) =>
        AppendAsync(request, AuditEventKind.ApprovalRevealed, revealer.Subject, "revealed", null, json =>
        {
            json.WriteString("approvalId", request.Id);
            json.WriteString("revealedBy", revealer.Subject);
            json.WriteString("requester", request.Subject);
            json.WriteString("argumentsHash", request.ArgumentsHash);
        }, cancellationToken);

    public ValueTask DecidedAsync(ApprovalEntry entry, ApprovalState state, CancellationToken cancellationToken) =>
        AppendAsync(entry.Request, AuditEventKind.ApprovalDecided, entry.Request.Subject, SqlApprovalStore.StateText(state), null, json =>
        {
            json.WriteString("approvalId", entry.Request.Id);
            json.WriteString("state", SqlApprovalStore.StateText(state));
            json.WriteString("decidedBy", entry.DecidedBy);
            json.WriteString("reason", entry.DecisionReason);
            json.WriteStartArray("votes");
            foreach (var vote in entry.Votes)
            {
                json.WriteStartObject();
                json.WriteString("approver", vote.Vote.Approver);
                json.WriteBoolean("approve", vote.Vote.Approve);
                json.WriteString("reason", vote.Vote.Reason);
                json.WriteString("at", vote.Vote.At);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (entry.Grant is { } grant)
            {
                WriteGrant(json, grant);
            }
        }, cancellationToken);

    public ValueTask GrantUsedAsync(ApprovalRequest call, ApprovalGrant grant, CancellationToken cancellationToken) =>
        AppendAsync(call, AuditEventKind.ApprovalGrantUsed, call.Subject, "granted", null, json =>
        {
            json.WriteString("rule", call.RuleId);
            json.WriteString("argumentsHash", call.ArgumentsHash);
            WriteGrant(json, grant);
        }, cancellationToken);

    private static void WriteGrant(Utf8JsonWriter json, ApprovalGrant grant)
    {
        json.WriteStartObject("grant");
        json.WriteString("id", grant.Id);
        json.WriteString("grantedBy", grant.GrantedBy);
        json.WriteString("expiresAt", grant.ExpiresAt);
        json.WriteBoolean("sameArgumentsOnly", grant.ArgumentsHash is not null);
        json.WriteEndObject();
    }

    private async ValueTask AppendAsync(ApprovalRequest request, AuditEventKind kind, string subject, string verdict, string? reason, Action<Utf8JsonWriter> details, CancellationToken cancellationToken)
    {
        if (store is null)
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            details(json);
            json.WriteEndObject();
        }

        var payload = buffer.WrittenSpan.ToArray();
        await store.AppendAsync(new AuditRecord
        {
            TimeMicros = (timeProvider.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond,
            Kind = kind,
            SessionId = request.SessionId,
            Subject = subject,
            Connection = request.Connection,
            Direction = Direction,
            FrameSequence = request.FrameSequence,
            MessageKind = "request",
            RpcId = request.RpcId,
            Tool = request.Tool,
            Verdict = verdict,
            Inspector = "policy:" + request.RuleId,
            Reason = reason,
            Size = payload.Length,
            PayloadSha256 = Convert.ToHexStringLower(SHA256.HashData(payload)),
            Payload = payload,
        }, cancellationToken).ConfigureAwait(false);
    }

    public static string ResultText(ApprovalVoteResult result) => result switch
    {
        ApprovalVoteResult.Counted => "counted",
        ApprovalVoteResult.Decided => "decided",
        ApprovalVoteResult.NotFound => "not_found",
        ApprovalVoteResult.NotPending => "not_pending",
        ApprovalVoteResult.SelfApproval => "self_approval",
        ApprovalVoteResult.NotAnApprover => "not_an_approver",
        ApprovalVoteResult.AlreadyVoted => "already_voted",
        ApprovalVoteResult.GrantNotAllowed => "grant_not_allowed",
        ApprovalVoteResult.RevealRequired => "reveal_required",
        _ => result.ToString(),
    };
}
