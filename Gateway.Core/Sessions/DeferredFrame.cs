using System.Buffers;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Sessions;

/// <summary>
/// A frame cleared by the chain whose audit record is enqueued but not committed yet; its payload is valid until the pump
/// advances. <paramref name="Recorded"/> is the recording stage's answer for it (awaited once): false, the frame must not go on.
/// </summary>
internal readonly record struct DeferredFrame(ReadOnlySequence<byte> Payload, FrameEnvelope Envelope, string? RequestMethod, string? RequestTool, long Sequence, ValueTask<bool> Recorded);
