using System.Buffers;
using System.Text.Json;

namespace McpGateway.Core.Identity;

/// <summary>The result of a successful <c>mcpgateway/authenticate</c>.</summary>
internal static class AuthenticateResult
{
    public static byte[] Create(string sessionId, GatewayIdentity identity, string connection)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("sessionId", sessionId);
            json.WriteString("subject", identity.Subject);
            json.WriteStartArray("groups");
            foreach (var group in identity.Groups)
            {
                json.WriteStringValue(group);
            }

            json.WriteEndArray();
            json.WriteString("connection", connection);
            json.WriteString("expiresAt", identity.ExpiresAt.UtcDateTime);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
