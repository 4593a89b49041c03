using System.Buffers;
using System.Text.Json;

namespace McpGateway.Core.Identity;

/// <summary>The params of <c>mcpgateway/authenticate</c>: <c>{ "token": "...", "connection": "..." }</c>.</summary>
public sealed record AuthenticateParams(string Token, string? Connection)
{
    /// <summary>Reads the params of an already validated frame; null when token is missing or not a string.</summary>
    public static AuthenticateParams? TryRead(in ReadOnlySequence<byte> frame)
    {
        var reader = new Utf8JsonReader(frame);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
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
                return null;
            }

            string? token = null;
            string? connection = null;
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
                    return null;
                }
                else
                {
                    reader.Skip();
                }
            }

            return string.IsNullOrEmpty(token) ? null : new AuthenticateParams(token, connection);
        }

        return null;
    }
}
