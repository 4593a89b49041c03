using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace McpGateway.Host.Commands;

/// <summary>
/// The configuration file against the project's own JSON Schema (schema/gateway.schema.json, built into the program):
/// every value of the wrong type or shape, each with its path (<c>connections.api.args: …</c>), all at once. The
/// gateway matches keys ignoring case, so the file's keys are first spelled as the schema spells them; what the schema
/// cannot know (files that exist, plugins, the chain) is left to the loader and the other checks.
/// </summary>
internal static class ConfigurationSchemaCheck
{
    private const string ResourceName = "gateway.schema.json";

    private static readonly JsonDocumentOptions FileOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private static readonly Lazy<(JsonSchema Schema, JsonObject Node)> Schema = new(Load);

    /// <summary>The schema errors of <paramref name="json"/>; empty when it is valid or is not JSON (the parser says why).</summary>
    public static List<string> Errors(string json)
    {
        JsonNode? instance;
        try
        {
            instance = JsonNode.Parse(json, documentOptions: FileOptions);
        }
        catch (JsonException)
        {
            return [];
        }

        if (instance is null)
        {
            return ["(root): the file holds null, not a configuration object"];
        }

        var (schema, node) = Schema.Value;
        SpellKeysAsTheSchema(instance, node, node);
        using var document = JsonDocument.Parse(instance.ToJsonString());
        var results = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        var errors = new List<string>();
        foreach (var detail in results.Details ?? [])
        {
            if (detail.Errors is not { Count: > 0 } || InsideAlternative(detail.EvaluationPath.ToString()))
            {
                continue;
            }

            var path = Path(document.RootElement, detail.InstanceLocation.ToString());
            foreach (var (keyword, message) in detail.Errors)
            {
                errors.Add($"{path}: {Describe(keyword, message)}");
            }
        }

        return [.. errors.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Errors inside one branch of a <c>oneOf</c>/<c>anyOf</c> say why that branch did not fit; the alternative's own
    /// error says the value fits none, which is the one the operator needs.
    /// </summary>
    private static bool InsideAlternative(string evaluationPath) =>
        evaluationPath.Contains("/oneOf/", StringComparison.Ordinal) || evaluationPath.Contains("/anyOf/", StringComparison.Ordinal);

    private static string Describe(string keyword, string message) => keyword switch
    {
        "oneOf" or "anyOf" => "none of the allowed forms fits (see the schema's description of this key)",
        "additionalProperties" or "unevaluatedProperties" => "unknown key",
        _ => message,
    };

    /// <summary>A JSON pointer (<c>/connections/api/args/0</c>) as the other checks write paths (<c>connections.api.args[0]</c>).</summary>
    private static string Path(JsonElement root, string pointer)
    {
        if (pointer.Length <= 1)
        {
            return "(root)";
        }

        var path = new StringBuilder();
        var current = root;
        foreach (var raw in pointer[1..].Split('/'))
        {
            var segment = raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Array && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                path.Append('[').Append(segment).Append(']');
                current = index < current.GetArrayLength() ? current[index] : default;
                continue;
            }

            if (path.Length > 0)
            {
                path.Append('.');
            }

            path.Append(segment);
            current = current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out var child) ? child : default;
        }

        return path.ToString();
    }

    /// <summary>Renames each key the schema knows under another case (<c>Listen</c>) to the schema's spelling (<c>listen</c>).</summary>
    private static void SpellKeysAsTheSchema(JsonNode instance, JsonNode? schema, JsonObject root)
    {
        if (schema is not JsonObject subschema)
        {
            return;
        }

        if (subschema["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith("#/$defs/", StringComparison.Ordinal))
        {
            SpellKeysAsTheSchema(instance, root["$defs"]?[reference["#/$defs/".Length..]], root);
        }

        foreach (var alternative in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (subschema[alternative] is JsonArray branches)
            {
                foreach (var branch in branches)
                {
                    SpellKeysAsTheSchema(instance, branch, root);
                }
            }
        }

        switch (instance)
        {
            case JsonObject obj:
                var properties = subschema["properties"] as JsonObject;
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    var known = properties?.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Key;
                    if (known is not null && known != key && !obj.ContainsKey(known))
                    {
                        var value = obj[key];
                        obj.Remove(key);
                        obj[known] = value;
                    }

                    if (obj[known ?? key] is { } child)
                    {
                        SpellKeysAsTheSchema(child, known is not null ? properties![known] : subschema["additionalProperties"], root);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        SpellKeysAsTheSchema(item, subschema["items"], root);
                    }
                }

                break;
        }
    }

    private static (JsonSchema, JsonObject) Load()
    {
        using var stream = typeof(ConfigurationSchemaCheck).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{ResourceName} is not built into mcpgw");
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        return (JsonSchema.FromText(text), JsonNode.Parse(text)!.AsObject());
    }
}
