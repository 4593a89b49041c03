using System.Text;
using System.Text.Json;

namespace McpGateway.Core.FrontDoor;

/// <summary>
/// What the front door needs from a request's params besides the envelope: its progress token (to relate progress
/// notifications to the POST that asked) and the name or URI the <c>Mcp-Name</c> header must mirror.
/// </summary>
internal readonly record struct RequestFacts(string? ProgressToken, string? Name)
{
    /// <summary>Reads <c>params._meta.progressToken</c> and <c>params.name</c> (or <c>params.uri</c>) of a request.</summary>
    public static RequestFacts Read(ReadOnlySpan<byte> message)
    {
        string? token = null;
        string? name = null;
        var reader = new Utf8JsonReader(message, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return default;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
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
                    if (reader.ValueTextEquals("_meta"u8))
                    {
                        reader.Read();
                        token = ReadMember(ref reader, "progressToken"u8);
                    }
                    else if (reader.ValueTextEquals("name"u8) || (reader.ValueTextEquals("uri"u8) && name is null))
                    {
                        reader.Read();
                        name = reader.TokenType == JsonTokenType.String ? reader.GetString() : name;
                        reader.Skip();
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // The gateway's scanner judges the message; an unreadable one relates to nothing.
        }

        return new RequestFacts(token, name);
    }

    /// <summary>The <c>params.progressToken</c> of a <c>notifications/progress</c>, keyed like a request's.</summary>
    public static string? ProgressTokenOfNotification(ReadOnlySpan<byte> message)
    {
        var reader = new Utf8JsonReader(message, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isParams = reader.ValueTextEquals("params"u8);
                reader.Read();
                if (isParams)
                {
                    return ReadMember(ref reader, "progressToken"u8);
                }

                reader.Skip();
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Relates to nothing.
        }

        return null;
    }

    /// <summary>At an object: the string or number value of <paramref name="member"/> as a key (<c>s:</c> or <c>n:</c>), skipping the rest.</summary>
    private static string? ReadMember(ref Utf8JsonReader reader, ReadOnlySpan<byte> member)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        string? found = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var match = reader.ValueTextEquals(member);
            reader.Read();
            if (match && reader.TokenType == JsonTokenType.String)
            {
                found = "s:" + reader.GetString();
            }
            else if (match && reader.TokenType == JsonTokenType.Number)
            {
                found = "n:" + Encoding.UTF8.GetString(reader.ValueSpan);
            }
            else
            {
                reader.Skip();
            }
        }

        return found;
    }
}
