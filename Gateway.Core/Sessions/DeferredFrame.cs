using System.Buffers;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Sessions;

/// <summary>A frame cleared by the chain whose audit record is not committed yet; its payload is valid until the pump advances.</summary>
internal readonly record struct DeferredFrame(ReadOnlySequence<byte> Payload, FrameEnvelope Envelope, string? RequestMethod, string? RequestTool, long Sequence, Task RecordCommitted);
