using System.Buffers;
using System.Collections.Concurrent;
using McpGateway.Core.Chain;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Identity;
using McpGateway.Core.Recording;

namespace McpGateway.Tests.Sessions;

/// <summary>The session's side of recording, kept in memory: one line per call, e.g. <c>rejected tools/call not_initialized</c>.</summary>
internal sealed class FakeRecorder : ISessionRecorder
{
    public ConcurrentQueue<string> Records { get; } = new();

    public ValueTask<bool> SessionStartedAsync(IGatewaySession session, CancellationToken cancellationToken)
    {
        Records.Enqueue("session_start");
        return ValueTask.FromResult(true);
    }

    public ValueTask SessionEndedAsync(IGatewaySession session, string reason)
    {
        Records.Enqueue($"session_end {reason}");
        return ValueTask.CompletedTask;
    }

    public ValueTask NotForwardedAsync(IGatewaySession session, FrameDirection direction, in FrameEnvelope envelope, string? requestMethod, string? requestTool, in ReadOnlySequence<byte> payload, long sequence, string verdict, string inspector, GatewayError? error)
    {
        Records.Enqueue($"{verdict} {envelope.Method ?? requestMethod} {error?.Reason}".TrimEnd());
        return ValueTask.CompletedTask;
    }

    public ValueTask InvalidAsync(IGatewaySession session, FrameDirection direction, in ReadOnlySequence<byte> payload, long size, long sequence, GatewayError error)
    {
        Records.Enqueue($"invalid {error.Reason}");
        return ValueTask.CompletedTask;
    }

    public ValueTask AnsweredAsync(IGatewaySession session, FrameDirection direction, JsonRpcId id, string? method, string? tool, long sequence, GatewayError error)
    {
        Records.Enqueue($"generated {method} {error.Reason}");
        return ValueTask.CompletedTask;
    }

    public ValueTask SessionRefusedAsync(IGatewaySession session, GatewayError error, GatewayIdentity? identity, string? token, ReadOnlySequence<byte> firstFrame)
    {
        Records.Enqueue($"session_refused {error.Reason}");
        return ValueTask.CompletedTask;
    }
}
