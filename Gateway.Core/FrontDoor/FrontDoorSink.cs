using System.Buffers;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;
using McpGateway.Core.Sessions;
using McpGateway.Core.Messaging;

namespace McpGateway.Core.FrontDoor;

/// <summary>
/// Where the session core writes what goes to a Streamable HTTP client: every message, with the envelope the core
/// already has for it, is routed to the POST it answers or relates to, or to the GET stream. Nothing is scanned again.
/// </summary>
internal sealed class FrontDoorSink(Action<byte[], FrameEnvelope, JsonRpcId, GatewayError?> route) : MessageFrameSink
{
    protected override void Deliver(in ReadOnlySequence<byte> message, in FrameEnvelope envelope, JsonRpcId refusedRpcId, GatewayError? madeError) =>
        route(message.ToArray(), envelope, refusedRpcId, madeError);
}
