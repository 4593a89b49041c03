using System.Buffers;
using System.Text.Json;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Sessions;

/// <summary>
/// The <c>notifications/cancelled</c> the gateway sends upstream for a call it gave up on (timed out, drained, its
/// client gone), so that the upstream stops working on an answer nobody will read.
/// </summary>
internal static class CancellationFrame
{
    public const string TimedOut = "the gateway stopped waiting: the request timed out";
    public const string ShuttingDown = "the gateway is shutting down";
    public const string ClientGone = "the client closed the connection";

    /// <summary>The frame, without its newline.</summary>
    public static byte[] Build(JsonRpcId requestId, string reason)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("jsonrpc"u8, "2.0"u8);
            json.WriteString("method"u8, McpMethods.NotificationsCancelled);
            json.WriteStartObject("params"u8);
            json.WritePropertyName("requestId"u8);
            requestId.WriteValueTo(json);
            json.WriteString("reason"u8, reason);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
