using McpGateway.Core.Framing;

namespace McpGateway.Tests.Sessions;

/// <summary>One message a <see cref="CollectingSink"/> received.</summary>
internal sealed record SinkMessage(string Json, FrameEnvelope Envelope, JsonRpcId RefusedRpcId);
