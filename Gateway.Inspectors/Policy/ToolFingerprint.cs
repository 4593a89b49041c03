using System.Buffers;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpGateway.Inspectors.Policy;

/// <summary>
/// A tool definition's fingerprint: <c>v2:</c> and the SHA-256 (lower-case hex) of the canonical JSON of the whole tool
/// object as listed, without the members named volatile. Canonical: members sorted by ordinal name at every depth, no
/// white space, strings unescaped and re-encoded one way, numbers in their <see cref="CanonicalNumber"/> form. Member
/// order, escaping, white space or the spelling of a number chosen by the upstream do not change it; any change of
/// content does, in every member (<c>title</c>, <c>outputSchema</c>, <c>_meta</c>, members a later MCP version adds).
/// </summary>
/// <remarks>
/// Pins written before version 2 hold a bare hex fingerprint over <c>name</c>, <c>description</c>,
/// <c>inputSchema</c> and <c>annotations</c> only (numbers as written): <see cref="ComputeLegacy"/> still computes
/// it, so that <see cref="ToolPinStore"/> can upgrade such a pin without trusting a definition that changed.
/// </remarks>
internal static class ToolFingerprint
{
    public const string CurrentPrefix = "v2:";

    private static readonly string[] _legacyMembers = ["name", "description", "inputSchema", "annotations"];
    private static readonly JsonWriterOptions _writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = 256 };

    /// <summary>Whether <paramref name="fingerprint"/> was computed by <see cref="Compute"/> (not by an earlier version).</summary>
    public static bool IsCurrent(string fingerprint) => fingerprint.StartsWith(CurrentPrefix, StringComparison.Ordinal);

    /// <param name="volatileMembers">Dotted paths of members left out (<c>_meta.updatedAt</c>); a path into a non-object is ignored.</param>
    public static string Compute(JsonObject tool, IReadOnlyList<string> volatileMembers)
    {
        var paths = volatileMembers.Select(p => p.Split('.')).ToArray();
        return CurrentPrefix + Hash(writer => WriteCanonical(writer, tool, paths, 0, numbersCanonical: true));
    }

    /// <summary>The fingerprint of version 1: name, description, inputSchema and annotations, numbers as written.</summary>
    public static string ComputeLegacy(JsonObject tool) => Hash(writer =>
    {
        writer.WriteStartObject();
        foreach (var member in _legacyMembers)
        {
            if (tool.TryGetPropertyValue(member, out var value))
            {
                writer.WritePropertyName(member);
                WriteCanonical(writer, value, [], 0, numbersCanonical: false);
            }
        }

        writer.WriteEndObject();
    });

    private static string Hash(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, _writerOptions))
        {
            write(writer);
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    /// <param name="excluded">Paths still to exclude; each applies at <paramref name="depth"/> within objects along its path.</param>
    private static void WriteCanonical(Utf8JsonWriter writer, JsonNode? node, string[][] excluded, int depth, bool numbersCanonical)
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
                    var below = excluded.Where(p => p.Length > depth && string.Equals(p[depth], name, StringComparison.Ordinal)).ToArray();
                    if (below.Any(p => p.Length == depth + 1))
                    {
                        continue;
                    }

                    writer.WritePropertyName(name);
                    WriteCanonical(writer, value, below, depth + 1, numbersCanonical);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteCanonical(writer, item, [], depth + 1, numbersCanonical);
                }

                writer.WriteEndArray();
                break;
            case JsonValue value when numbersCanonical && value.GetValueKind() == JsonValueKind.Number:
                var text = value.ToJsonString();
                if (CanonicalNumber.TryRead(text, out var exact, out _, out var tooLong) && !tooLong)
                {
                    writer.WriteRawValue(exact, skipInputValidation: true);
                }
                else
                {
                    writer.WriteRawValue(text);
                }

                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
