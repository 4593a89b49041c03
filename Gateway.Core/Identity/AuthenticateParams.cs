using System.Buffers;
using System.Text.Json;

namespace McpGateway.Core.Identity;

/// <summary>The params of <c>mcpgateway/authenticate</c>: <c>{ "token": "...", "connection": "..." }</c>.</summary>
internal sealed record AuthenticateParams(string Token, string? Connection)
{
    /// <summary>Reads the params of an already validated frame; null when token is missing or not a string.</summary>
    public static AuthenticateParams? TryRead(in ReadOnlySequence<byte> frame) =>
        TryReadFields(frame, out var token, out var connection) && token is not null ? new AuthenticateParams(token, connection) : null;

    /// <summary>
    /// Reads <c>token</c> and <c>connection</c> of an already validated frame, either of which may be absent (an empty
    /// token counts as absent); false when params is not an object or either member is not a string.
    /// </summary>
    public static bool TryReadFields(in ReadOnlySequence<byte> frame, out string? token, out string? connection)
    {
        token = null;
        connection = null;
        var reader = new Utf8JsonReader(frame);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isParams = reader.ValueTextEquals("params"u8);
            reader.Read();
            if (!isParams)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isToken = reader.ValueTextEquals("token"u8);
                var isConnection = reader.ValueTextEquals("connection"u8);
                reader.Read();
                if (isToken && reader.TokenType == JsonTokenType.String)
                {
                    token = reader.GetString();
                }
                else if (isConnection && reader.TokenType == JsonTokenType.String)
                {
                    connection = reader.GetString();
                }
                else if (isToken || isConnection)
                {
                    return false;
                }
                else
                {
                    reader.Skip();
                }
            }

            if (string.IsNullOrEmpty(token))
            {
                token = null;
            }

            return true;
        }

        return false;
    }
}
