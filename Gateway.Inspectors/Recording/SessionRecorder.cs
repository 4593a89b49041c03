using System.Buffers;
using System.Security.Cryptography;
using McpGateway.Core.Chain;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Identity;
using McpGateway.Inspectors.Masking;
using McpGateway.Core.Recording;
using McpGateway.Inspectors.Authentication;
using Microsoft.Extensions.Logging;

namespace McpGateway.Inspectors.Recording;

/// <summary>
/// Turns what happens in a session into audit records and appends them, for the session's recording stage only (every
/// outcome once). Relayed frames keep their masked payload; everything else only size and hash.
/// </summary>
internal sealed class SessionRecorder(IAuditStore store, TimeProvider timeProvider, ILogger<SessionRecorder> logger, IRecordMasker? masker = null) : ISessionRecorder
{
    /// <summary>The verdict of a frame the gateway itself sent (an error in place of a response that will not come).</summary>
    public const string GeneratedVerdict = "generated";

    /// <summary>The inspector named on a generated frame's record: the gateway made it.</summary>
    public const string GeneratedBy = "gateway";

    public async ValueTask<bool> SessionStartedAsync(IGatewaySession session, CancellationToken cancellationToken)
    {
        try
        {
            await store.AppendAsync(SessionRecord(session, AuditEventKind.SessionStart, null), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AuditUnavailableException ex)
        {
            RecordingLog.StartNotRecorded(logger, session.Id, ex);
            return false;
        }
    }

    public async ValueTask SessionEndedAsync(IGatewaySession session, string reason)
    {
        try
        {
            await store.AppendAsync(SessionRecord(session, AuditEventKind.SessionEnd, reason), CancellationToken.None).ConfigureAwait(false);
        }
        catch (AuditUnavailableException ex)
        {
            RecordingLog.NotRecorded(logger, session.Id, "session_end", ex);
        }
    }

    public ValueTask NotForwardedAsync(IGatewaySession session, FrameDirection direction, in FrameEnvelope envelope, string? requestMethod, string? requestTool, in ReadOnlySequence<byte> payload, long sequence, string verdict, string inspector, GatewayError? error)
    {
        var record = FrameRecord(session, AuditEventKind.Frame, direction, sequence) with
        {
            MessageKind = KindText(envelope.Kind),
            RpcId = RpcId(session, envelope.Id),
            Method = envelope.Method ?? requestMethod,
            Tool = envelope.ToolName ?? requestTool,
            Verdict = verdict,
            Inspector = error?.Rule is { } rule ? $"{inspector}:{rule}" : inspector,
            Reason = error?.Reason,
            ErrorCode = error is null ? null : (int)error.Code,
            Size = payload.Length,
            PayloadSha256 = Sha256(payload),
        };
        return AppendLoggedAsync(session, record);
    }

    public ValueTask InvalidAsync(IGatewaySession session, FrameDirection direction, in ReadOnlySequence<byte> payload, long size, long sequence, GatewayError error)
    {
        var record = FrameRecord(session, AuditEventKind.InvalidFrame, direction, sequence) with
        {
            Verdict = "invalid",
            Inspector = "gateway",
            Reason = error.Reason,
            ErrorCode = (int)error.Code,
            Size = size,
            PayloadSha256 = payload.IsEmpty ? null : Sha256(payload),
        };
        return AppendLoggedAsync(session, record);
    }

    public ValueTask AnsweredAsync(IGatewaySession session, FrameDirection direction, JsonRpcId id, string? method, string? tool, long sequence, GatewayError error)
    {
        var record = FrameRecord(session, AuditEventKind.Frame, direction, sequence) with
        {
            MessageKind = "error",
            RpcId = RpcId(session, id),
            Method = method,
            Tool = tool,
            Verdict = GeneratedVerdict,
            Inspector = "gateway",
            Reason = error.Reason,
            ErrorCode = (int)error.Code,
        };
        return AppendLoggedAsync(session, record);
    }

    public ValueTask SessionRefusedAsync(IGatewaySession session, GatewayError error, GatewayIdentity? identity, string? token, ReadOnlySequence<byte> firstFrame)
    {
        var record = new AuditRecord
        {
            TimeMicros = Now(),
            Kind = AuditEventKind.SessionRefused,
            SessionId = session.Id,
            Subject = identity?.Subject,
            ClientId = identity?.ClientId,
            Groups = identity is null ? null : string.Join('\n', identity.Groups),
            TokenHash = identity?.TokenHash ?? (token is null ? null : TokenHash.Of(token)),
            RemoteAddress = session.RemoteAddress,
            Direction = "client_to_upstream",
            Verdict = "rejected",
            Inspector = "authentication",
            Reason = error.Reason,
            ErrorCode = (int)error.Code,
            Size = firstFrame.IsEmpty ? null : firstFrame.Length,
            PayloadSha256 = firstFrame.IsEmpty ? null : Sha256(firstFrame),
        };
        return AppendLoggedAsync(session, record);
    }

    /// <summary>
    /// Enqueues the record without waiting: the session's recording stage holds the frame back until it is committed
    /// (the pump first enqueues the records of its whole read batch, so they share one group commit), and refuses it with
    /// -31006 when the commit fails, a full queue included. The record is sealed here, in the pump's thread. The append
    /// gets no token: the pump waits for the commit with the session's own, and a full queue still refuses after the
    /// store's enqueue timeout.
    /// </summary>
    public ValueTask RelayedAsync(McpFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return store.AppendAsync(Forwarded(frame), CancellationToken.None);
    }

    /// <summary>The record of a frame the chain forwarded (or replaced): requests masked for the record, responses as masked in flight.</summary>
    private AuditRecord Forwarded(McpFrame frame)
    {
        // The hash is of what is stored: a hash of the unmasked request would let anyone holding the store test guesses of a masked secret.
        // A response from the upstream was masked in flight, but not its id (the client's own): the record masks that too.
        var session = frame.Session;
        var maskedId = frame.Id.IsValue ? masker?.MaskId(session, frame.Id) : null;
        var payload = (frame.Direction == FrameDirection.ClientToUpstream || maskedId is not null ? masker?.MaskForRecord(frame) : null) ?? frame.Payload.ToArray();

        // One object per frame (this is every relayed frame's path): not FrameRecord(...) with { ... }, which copies it.
        return new AuditRecord
        {
            TimeMicros = Now(),
            Kind = AuditEventKind.Frame,
            SessionId = session.Id,
            Subject = session.Identity?.Subject,
            Connection = session.ConnectionName,
            Direction = DirectionText(frame.Direction),
            FrameSequence = frame.Sequence,
            MessageKind = KindText(frame.Kind),
            RpcId = frame.Id.IsValue ? maskedId ?? frame.Id.ToString() : null,
            Method = frame.Method,
            Tool = frame.ToolName,
            Verdict = frame.IsGenerated ? GeneratedVerdict : frame.IsReplaced ? "replaced" : "forwarded",
            Inspector = frame.IsGenerated ? GeneratedBy : null,
            Size = frame.Payload.Length,
            PayloadSha256 = Sha256(payload),
            Payload = payload,
        };
    }

    /// <summary>The id column: a secret in an id (a client may choose any string) is masked there as in the payload.</summary>
    private string? RpcId(IGatewaySession session, JsonRpcId id) =>
        id.IsValue ? masker?.MaskId(session, id) ?? id.ToString() : null;

    private async ValueTask AppendLoggedAsync(IGatewaySession session, AuditRecord record)
    {
        try
        {
            await store.AppendAsync(record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (AuditUnavailableException ex)
        {
            // The frame is not forwarded anyway; the failure is logged and /readyz reports the store.
            RecordingLog.NotRecorded(logger, session.Id, record.Verdict ?? "frame", ex);
        }
    }

    private AuditRecord SessionRecord(IGatewaySession session, AuditEventKind kind, string? reason)
    {
        var identity = session.Identity;
        return new AuditRecord
        {
            TimeMicros = Now(),
            Kind = kind,
            SessionId = session.Id,
            Subject = identity?.Subject,
            ClientId = identity?.ClientId,
            Groups = identity is null ? null : string.Join('\n', identity.Groups),
            TokenHash = identity?.TokenHash,
            Connection = session.ConnectionName,
            RemoteAddress = session.RemoteAddress,
            ProtocolVersion = session.ProtocolVersion,
            Reason = reason,
        };
    }

    private AuditRecord FrameRecord(IGatewaySession session, AuditEventKind kind, FrameDirection direction, long sequence) => new()
    {
        TimeMicros = Now(),
        Kind = kind,
        SessionId = session.Id,
        Subject = session.Identity?.Subject,
        Connection = session.ConnectionName,
        Direction = DirectionText(direction),
        FrameSequence = sequence,
    };

    private static string DirectionText(FrameDirection direction) =>
        direction == FrameDirection.ClientToUpstream ? "client_to_upstream" : "upstream_to_client";

    private long Now() => (timeProvider.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

    private static string KindText(MessageKind kind) => kind switch
    {
        MessageKind.Request => "request",
        MessageKind.Notification => "notification",
        MessageKind.Response => "response",
        _ => "error",
    };

    /// <summary>One hasher per thread: a one-shot hash makes OpenSSL set up and free a context each time, which costs more than hashing a frame.</summary>
    [ThreadStatic]
    private static IncrementalHash? t_sha;

    private static string Sha256(ReadOnlySpan<byte> payload)
    {
        var sha = t_sha ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(payload);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        sha.GetHashAndReset(hash);
        return Convert.ToHexStringLower(hash);
    }

    private static string Sha256(in ReadOnlySequence<byte> payload)
    {
        var sha = t_sha ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var segment in payload)
        {
            sha.AppendData(segment.Span);
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        sha.GetHashAndReset(hash);
        return Convert.ToHexStringLower(hash);
    }
}
