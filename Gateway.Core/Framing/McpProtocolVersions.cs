using System.Buffers;
using System.Collections.Frozen;
using System.Text.Json;

namespace McpGateway.Core.Framing;

/// <summary>The MCP protocol versions the gateway relays: the closed set a version a peer names is checked against.</summary>
internal static class McpProtocolVersions
{
    /// <summary>The stateless revision: version and capabilities travel in each request's <c>_meta</c>.</summary>
    public const string Stateless = "2026-07-28";

    public static FrozenSet<string> Known { get; } = new[] { "2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", Stateless }.ToFrozenSet(StringComparer.Ordinal);

    public static bool IsKnown(string? version) => version is not null && Known.Contains(version);

    /// <summary>
    /// The version an initialize or <c>server/discover</c> result settles on: its <c>protocolVersion</c>, else the latest
    /// of its <c>supportedVersions</c> (the 2026-07-28 discover result lists the versions the server speaks; a client that
    /// chose discover over initialize speaks the latest of them). Null when it names neither. Reads only the values the
    /// envelope scanner found in <paramref name="result"/>.
    /// </summary>
    public static string? Negotiated(in FrameEnvelope envelope, in ReadOnlySequence<byte> result)
    {
        if (envelope.ProtocolVersion.Kind == JsonValueKind.String)
        {
            return envelope.ProtocolVersion.GetString(result);
        }

        if (envelope.SupportedVersions.Kind != JsonValueKind.Array)
        {
            return null;
        }

        var reader = new Utf8JsonReader(result.Slice(envelope.SupportedVersions.Start));
        reader.Read();
        string? latest = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String && reader.GetString() is { } version
                && (latest is null || string.CompareOrdinal(version, latest) > 0))
            {
                latest = version;
            }

            reader.Skip();
        }

        return latest;
    }
}
