using System.Buffers;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpGateway.Core.Policy;

/// <summary>
/// SHA-256 over the canonical JSON of a tool's name, description, inputSchema and annotations: members sorted by
/// ordinal name at every depth, no whitespace, strings unescaped and re-encoded one way, numbers as written.
/// Member order or escaping chosen by the upstream does not change it; any change of meaning does.
/// </summary>
internal static class ToolFingerprint
{
    private static readonly string[] _members = ["name", "description", "inputSchema", "annotations"];
    private static readonly JsonWriterOptions _writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = 256 };

    public static string Compute(JsonObject tool)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, _writerOptions))
        {
            writer.WriteStartObject();
            foreach (var member in _members)
            {
                if (tool.TryGetPropertyValue(member, out var value))
                {
                    writer.WritePropertyName(member);
                    WriteCanonical(writer, value);
                }
            }

            writer.WriteEndObject();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    private static void WriteCanonical(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    WriteCanonical(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteCanonical(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
