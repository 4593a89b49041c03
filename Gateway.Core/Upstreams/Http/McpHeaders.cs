using System.Text;
using System.Text.Json;
using McpGateway.Core.Framing;

namespace McpGateway.Core.Upstreams.Http;

/// <summary>
/// What the Streamable HTTP headers of one outgoing message need beyond its envelope: the 2026-07-28 per-request
/// claim (<c>params._meta["io.modelcontextprotocol/protocolVersion"]</c>, which makes the message stateless) and the
/// value <c>Mcp-Name</c> mirrors (<c>params.name</c>, <c>params.uri</c> or <c>params.taskId</c>, by method).
/// A claim is client input on its way into a header: it is usable only when it names a version of the closed set.
/// </summary>
internal readonly record struct McpHeaders(string? ClaimedVersion, string? Name, bool HasClaim = false)
{
    public const string ProtocolVersionMetaKey = "io.modelcontextprotocol/protocolVersion";

    private const string Base64Prefix = "=?base64?";
    private const string Base64Suffix = "?=";

    /// <summary>Reads the claim and the name from a frame the session already validated.</summary>
    public static McpHeaders Read(ReadOnlySpan<byte> frame, string? method)
    {
        var nameMember = method switch
        {
            "tools/call" or "prompts/get" => "name"u8,
            "resources/read" => "uri"u8,
            "tasks/get" or "tasks/update" or "tasks/cancel" => "taskId"u8,
            _ => default,
        };

        string? claimed = null;
        var hasClaim = false;
        string? name = null;
        var reader = new Utf8JsonReader(frame);
        try
        {
            reader.Read();
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
                        (hasClaim, claimed) = ReadClaim(ref reader);
                    }
                    else if (!nameMember.IsEmpty && reader.ValueTextEquals(nameMember))
                    {
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.String)
                        {
                            name = reader.GetString();
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }

                break;
            }
        }
        catch (JsonException)
        {
            // The session validated the frame; an unreadable one has no headers to offer.
        }

        return new McpHeaders(claimed, name, hasClaim);
    }

    /// <summary>True when the message claims a version (of any JSON type) that is not one the gateway relays.</summary>
    public bool ClaimIsInvalid => HasClaim && !McpProtocolVersions.IsKnown(ClaimedVersion);

    private static (bool Present, string? Value) ReadClaim(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return (false, null);
        }

        var present = false;
        string? claimed = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isClaim = reader.ValueTextEquals(ProtocolVersionMetaKey);
            reader.Read();
            present |= isClaim;
            if (isClaim && reader.TokenType == JsonTokenType.String)
            {
                claimed = reader.GetString();
            }
            else
            {
                reader.Skip();
            }
        }

        return (present, claimed);
    }

    /// <summary>
    /// An HTTP field value for <paramref name="value"/> (SEP-2243): plain when it is visible ASCII without surrounding
    /// whitespace, otherwise <c>=?base64?…?=</c> over its UTF-8 bytes.
    /// </summary>
    public static string EncodeValue(string value)
    {
        var plain = value.Length > 0
            && value[0] is not (' ' or '\t') && value[^1] is not (' ' or '\t')
            && !(value.StartsWith(Base64Prefix, StringComparison.Ordinal) && value.EndsWith(Base64Suffix, StringComparison.Ordinal));
        foreach (var c in value)
        {
            if (!plain)
            {
                break;
            }

            plain = c == '\t' || c is >= ' ' and <= '~';
        }

        return plain ? value : Base64Prefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) + Base64Suffix;
    }
}
