using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using McpGateway.Core.Chain;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Identity;
using McpGateway.Core.Recording;

namespace McpGateway.Tests.Sessions;

/// <summary>
/// The session's recording, kept in memory: one line per call, e.g. <c>rejected tools/call not_initialized</c> or
/// <c>relayed client->upstream tools/call</c>; a relayed frame's bytes as handed over in <see cref="RelayedPayloads"/>.
/// </summary>
internal sealed class FakeRecorder : ISessionRecorder
{
    public ConcurrentQueue<string> Records { get; } = new();

    /// <summary>The bytes of every relayed frame, in the order they were handed over.</summary>
    public ConcurrentQueue<string> RelayedPayloads { get; } = new();

    /// <summary>When (and whether) a relayed frame's record commits: null, or a null task, commits at once.</summary>
    public Func<McpFrame, Task?>? Commit { get; set; }

    public ValueTask RelayedAsync(McpFrame frame)
    {
        var direction = frame.Direction == FrameDirection.ClientToUpstream ? "client->upstream" : "upstream->client";
        Records.Enqueue($"relayed {direction} {frame.Method}");
        RelayedPayloads.Enqueue(Encoding.UTF8.GetString(frame.Payload));
        return Commit?.Invoke(frame) is { } commit ? new ValueTask(commit) : ValueTask.CompletedTask;
    }

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
