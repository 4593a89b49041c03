using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Sessions;

/// <summary>A gateway-made response waiting for the end of the batch: an error, or a result. <see cref="RpcId"/>: see <see cref="FrameWriter.WriteError"/>.</summary>
internal readonly record struct SenderReply(JsonRpcId Id, GatewayError? Error, ReadOnlyMemory<byte> Result, long Sequence, JsonRpcId RpcId = default);
