using System.Buffers;
using McpGateway.Core.Chain;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Identity;

namespace McpGateway.Core.Sessions;

/// <summary>
/// What became of one frame (or of the session): the one value the session core hands to
/// <see cref="SessionRecording.RecordAsync"/>. Built by the factory for its kind, on the stack, and passed by reference:
/// describing an outcome allocates nothing. The payload is borrowed: it is valid until the pump advances.
/// </summary>
internal readonly struct FrameOutcome
{
    /// <summary>The inspector name of the session's own rules.</summary>
    public const string Gateway = "gateway";

    public OutcomeKind Kind { get; private init; }

    public FrameDirection Direction { get; private init; }

    public FrameEnvelope Envelope { get; private init; }

    /// <summary>For an answer: the method of the request it answers (or, for <see cref="OutcomeKind.Answered"/>, of the request answered).</summary>
    public string? Method { get; private init; }

    public string? Tool { get; private init; }

    public ReadOnlySequence<byte> Payload { get; private init; }

    /// <summary>The frame's size in bytes: the payload's, or for a frame over the limit the limit (its bytes were never read).</summary>
    public long Size { get; private init; }

    public long Sequence { get; private init; }

    /// <summary>Who decided: an inspector's name, or <see cref="Gateway"/>.</summary>
    public string Inspector { get; private init; }

    /// <summary>The error on record (for a refusal, the session's end reason: <see cref="Reason"/>).</summary>
    public GatewayError? Error { get; private init; }

    /// <summary>The error the gateway's own rules answer the sender with, counted once under the gateway's stage; not recorded.</summary>
    public GatewayError? Answer { get; private init; }

    /// <summary>For <see cref="OutcomeKind.Answered"/>: the id of the request answered.</summary>
    public JsonRpcId Id { get; private init; }

    /// <summary>For <see cref="OutcomeKind.Relayed"/>: the frame as it leaves (its final bytes, after masking); borrowed.</summary>
    public McpFrame? Frame { get; private init; }

    /// <summary>For <see cref="OutcomeKind.Answered"/>: the answer also means the session did not begin (its upstream could not be reached).</summary>
    public bool RefusesSession { get; private init; }

    public GatewayIdentity? Identity { get; private init; }

    /// <summary>For <see cref="OutcomeKind.SessionRefused"/>: the bearer token presented (hashed by the recorder, never kept).</summary>
    public string? Token { get; private init; }

    /// <summary>For <see cref="OutcomeKind.SessionEnded"/>: why.</summary>
    public string? Reason { get; private init; }

    /// <summary>Cleared by the chain (or, for a frame the gateway made, by the chain's tail): goes on once its record is committed.</summary>
    public static FrameOutcome Relayed(McpFrame frame) => new() { Kind = OutcomeKind.Relayed, Frame = frame, Inspector = Gateway };

    /// <summary>Refused by <paramref name="inspector"/> (counted under it as a rejection).</summary>
    public static FrameOutcome Rejected(McpFrame frame, string inspector, GatewayError? error) => Of(OutcomeKind.Rejected, frame, inspector, error);

    /// <summary>Refused by the gateway's own rules, before the chain saw it; the sender gets <paramref name="error"/>.</summary>
    public static FrameOutcome Rejected(FrameDirection direction, in FrameEnvelope envelope, in ReadOnlySequence<byte> payload, long sequence, GatewayError error) =>
        Of(OutcomeKind.Rejected, direction, envelope, payload, sequence, error, answer: null);

    public static FrameOutcome Responded(McpFrame frame, string inspector, GatewayError? error) => Of(OutcomeKind.Responded, frame, inspector, error);

    /// <summary><paramref name="reason"/>: why it is held (e.g. approval_required), counted with it.</summary>
    public static FrameOutcome Held(McpFrame frame, string inspector, GatewayError? reason) => Of(OutcomeKind.Held, frame, inspector, reason);

    public static FrameOutcome Withdrawn(McpFrame frame) => Of(OutcomeKind.Withdrawn, frame, Gateway, null);

    /// <summary>Not relayed and not answered; <paramref name="answer"/>: an error the sender gets all the same (e.g. before it is closed).</summary>
    public static FrameOutcome Dropped(FrameDirection direction, in FrameEnvelope envelope, in ReadOnlySequence<byte> payload, long sequence, GatewayError? error = null, GatewayError? answer = null) =>
        Of(OutcomeKind.Dropped, direction, envelope, payload, sequence, error, answer);

    /// <summary>
    /// Broke the parsing rule: <paramref name="payload"/> is hashed, never kept, and empty when unknown (<paramref name="size"/>
    /// says how big). <paramref name="answered"/>: the sender gets <paramref name="error"/>.
    /// </summary>
    public static FrameOutcome Invalid(FrameDirection direction, in ReadOnlySequence<byte> payload, long size, long sequence, GatewayError error, bool answered) =>
        new()
        {
            Kind = OutcomeKind.Invalid, Direction = direction, Payload = payload, Size = size, Sequence = sequence,
            Inspector = Gateway, Error = error, Answer = answered ? error : null,
        };

    public static FrameOutcome Generated(FrameDirection direction, in FrameEnvelope envelope, string? requestMethod, string? requestTool, in ReadOnlySequence<byte> payload, long sequence, GatewayError? cause) =>
        Of(OutcomeKind.Generated, direction, envelope, payload, sequence, cause, answer: null) with { Method = requestMethod, Tool = requestTool };

    public static FrameOutcome Answered(FrameDirection direction, JsonRpcId id, string? method, string? tool, long sequence, GatewayError error, bool refusesSession = false) =>
        new()
        {
            Kind = OutcomeKind.Answered, Direction = direction, Id = id, Method = method, Tool = tool, Sequence = sequence,
            Inspector = Gateway, Error = error, RefusesSession = refusesSession,
        };

    public static FrameOutcome SessionStarted() => new() { Kind = OutcomeKind.SessionStarted, Inspector = Gateway };

    /// <summary>Of the first frame only its size and hash are recorded.</summary>
    public static FrameOutcome SessionRefused(GatewayError error, GatewayIdentity? identity, string? token, in ReadOnlySequence<byte> firstFrame) =>
        new() { Kind = OutcomeKind.SessionRefused, Inspector = Gateway, Error = error, Identity = identity, Token = token, Payload = firstFrame };

    public static FrameOutcome SessionEnded(string reason) => new() { Kind = OutcomeKind.SessionEnded, Inspector = Gateway, Reason = reason };

    private static FrameOutcome Of(OutcomeKind kind, McpFrame frame, string inspector, GatewayError? error) =>
        new()
        {
            Kind = kind, Direction = frame.Direction, Envelope = frame.Envelope, Method = frame.RequestMethod, Tool = frame.RequestToolName,
            Payload = frame.Payload, Size = frame.Payload.Length, Sequence = frame.Sequence, Inspector = inspector, Error = error,
        };

    private static FrameOutcome Of(OutcomeKind kind, FrameDirection direction, in FrameEnvelope envelope, in ReadOnlySequence<byte> payload, long sequence, GatewayError? error, GatewayError? answer) =>
        new()
        {
            Kind = kind, Direction = direction, Envelope = envelope, Payload = payload, Size = payload.Length, Sequence = sequence,
            Inspector = Gateway, Error = error, Answer = answer,
        };
}
