using System.Text.Json;

namespace McpGateway.Core.FrontDoor;

/// <summary>
/// Replaces the top-level <c>id</c> of a JSON-RPC message, byte for byte around it. Stateless requests of several
/// clients share one gateway session, so the front door numbers them itself and gives each response its client's id back.
/// </summary>
internal static class JsonRpcIdSplice
{
    /// <summary>The message with its id replaced by <paramref name="newId"/> (raw JSON), and the id it had; null when it has no top-level id.</summary>
    public static byte[]? Replace(ReadOnlySpan<byte> message, ReadOnlySpan<byte> newId, out byte[] oldId)
    {
        oldId = [];
        if (!TryFind(message, out var start, out var length))
        {
            return null;
        }

        oldId = message.Slice(start, length).ToArray();
        var result = new byte[message.Length - length + newId.Length];
        message[..start].CopyTo(result);
        newId.CopyTo(result.AsSpan(start));
        message[(start + length)..].CopyTo(result.AsSpan(start + newId.Length));
        return result;
    }

    /// <summary>A <c>notifications/cancelled</c> with its <c>params.requestId</c> replaced by <paramref name="newId"/>; null without one.</summary>
    public static byte[]? ReplaceCancelledRequestId(ReadOnlySpan<byte> message, ReadOnlySpan<byte> newId)
    {
        if (!TryFind(message, out var start, out var length, inParams: true))
        {
            return null;
        }

        var result = new byte[message.Length - length + newId.Length];
        message[..start].CopyTo(result);
        newId.CopyTo(result.AsSpan(start));
        message[(start + length)..].CopyTo(result.AsSpan(start + newId.Length));
        return result;
    }

    private static bool TryFind(ReadOnlySpan<byte> message, out int start, out int length, bool inParams = false)
    {
        start = 0;
        length = 0;
        var reader = new Utf8JsonReader(message, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (inParams)
                {
                    var isParams = reader.ValueTextEquals("params"u8);
                    reader.Read();
                    if (!isParams || reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        continue;
                    }

                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var isRequestId = reader.ValueTextEquals("requestId"u8);
                        reader.Read();
                        if (isRequestId && reader.TokenType is JsonTokenType.String or JsonTokenType.Number)
                        {
                            start = (int)reader.TokenStartIndex;
                            length = (int)reader.BytesConsumed - start;
                            return true;
                        }

                        reader.Skip();
                    }

                    return false;
                }

                var isId = reader.ValueTextEquals("id"u8);
                reader.Read();
                if (isId && reader.TokenType is JsonTokenType.String or JsonTokenType.Number or JsonTokenType.Null)
                {
                    start = (int)reader.TokenStartIndex;
                    length = (int)reader.BytesConsumed - start;
                    return true;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not a message the session would accept; it keeps its id and the gateway answers it.
        }

        return false;
    }
}
