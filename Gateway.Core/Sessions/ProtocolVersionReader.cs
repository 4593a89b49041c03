using System.Buffers;
using System.Text.Json;

namespace McpGateway.Core.Sessions;

/// <summary>
/// The version an upstream's answer to the handshake settles on: of an initialize result its
/// <c>result.protocolVersion</c>; of a server/discover result its protocolVersion, else the latest of its
/// supportedVersions (the 2026-07-28 discover result lists the versions the server speaks; a client that chose discover
/// over initialize speaks the latest of them).
/// </summary>
internal static class ProtocolVersionReader
{
    /// <summary>The version, or null when the result names none. <paramref name="response"/> is a validated response.</summary>
    public static string? Read(in ReadOnlySequence<byte> response)
    {
        var reader = new Utf8JsonReader(response);
        try
        {
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isResult = reader.ValueTextEquals("result"u8);
                reader.Read();
                if (!isResult || reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                return ReadResult(ref reader);
            }
        }
        catch (JsonException)
        {
            // Already validated; cannot happen.
        }

        return null;
    }

    private static string? ReadResult(ref Utf8JsonReader reader)
    {
        string? latestSupported = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isVersion = reader.ValueTextEquals("protocolVersion"u8);
            var isSupported = reader.ValueTextEquals("supportedVersions"u8);
            reader.Read();
            if (isVersion && reader.TokenType == JsonTokenType.String)
            {
                return reader.GetString();
            }

            if (isSupported && reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.String && reader.GetString() is { } version
                        && (latestSupported is null || string.CompareOrdinal(version, latestSupported) > 0))
                    {
                        latestSupported = version;
                    }

                    reader.Skip();
                }

                continue;
            }

            reader.Skip();
        }

        return latestSupported;
    }
}
