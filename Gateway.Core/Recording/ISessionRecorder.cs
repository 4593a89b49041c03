using System.Buffers;
using McpGateway.Core.Chain;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Identity;

namespace McpGateway.Core.Recording;

/// <summary>
/// Turns what becomes of a session and its frames into audit records: frames relayed (with their final, masked bytes),
/// frames the chain or the gateway did not forward (rejected, answered, dropped, invalid), and the session's start,
/// refusal and end. Called by the session's recording stage only, once per outcome. Absent when recording is off; the
/// session then calls nothing.
/// </summary>
internal interface ISessionRecorder
{
    /// <summary>
    /// The recording stage's name: a frame whose record did not commit is refused (-31006) and counted under it. Not an
    /// inspector: no inspector may take the name, and the chain's configured order cannot place it.
    /// </summary>
    const string StageName = InspectorChainBuilder.RecordingStageName;

    /// <summary>
    /// A frame the chain cleared (or a notification the gateway made, past the chain's tail), as it leaves: its record is
    /// made from the frame's final bytes (after masking), sealed and enqueued now, in the caller's thread. Completes
    /// when the record is committed; faults with <see cref="AuditUnavailableException"/> when it is not (the frame must
    /// then not go on). The frame is borrowed: nothing of it is kept once this returns.
    /// </summary>
    ValueTask RelayedAsync(McpFrame frame);

    /// <summary>False when the start could not be recorded: the session must not begin.</summary>
    ValueTask<bool> SessionStartedAsync(IGatewaySession session, CancellationToken cancellationToken);

    ValueTask SessionEndedAsync(IGatewaySession session, string reason);

    /// <summary>A frame the chain or the gateway did not forward; only its size and hash are kept.</summary>
    ValueTask NotForwardedAsync(IGatewaySession session, FrameDirection direction, in FrameEnvelope envelope, string? requestMethod, string? requestTool, in ReadOnlySequence<byte> payload, long sequence, string verdict, string inspector, GatewayError? error);

    /// <summary>A frame that broke the parsing rule (or had no end); <paramref name="payload"/> is hashed, never kept, and empty when unknown.</summary>
    ValueTask InvalidAsync(IGatewaySession session, FrameDirection direction, in ReadOnlySequence<byte> payload, long size, long sequence, GatewayError error);

    /// <summary>
    /// A frame the gateway itself sends in answer to a call that was forwarded: the upstream timed out (-31008) or
    /// exited (-31007), or the drain deadline passed. Recorded before it is sent; <paramref name="direction"/> is where it goes.
    /// </summary>
    ValueTask AnsweredAsync(IGatewaySession session, FrameDirection direction, JsonRpcId id, string? method, string? tool, long sequence, GatewayError error);

    /// <summary>
    /// A connection refused before its session began. <paramref name="token"/> is hashed, never kept; of
    /// <paramref name="firstFrame"/> (empty when none arrived) only the size and hash are kept.
    /// </summary>
    ValueTask SessionRefusedAsync(IGatewaySession session, GatewayError error, GatewayIdentity? identity, string? token, ReadOnlySequence<byte> firstFrame);
}
