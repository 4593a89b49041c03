using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace McpGateway.Inspectors.Policy;

/// <summary>Rewrites a list response (<c>tools/list</c>, <c>prompts/list</c>, ...) without the entries an identity may not use; the envelope stays as it was.</summary>
internal static class ListFilter
{
    private static readonly JsonReaderOptions _readerOptions = new() { MaxDepth = 256 };

    /// <summary>The rewritten frame, or null when every entry stays (forward the original bytes).</summary>
    /// <param name="keep">Given an entry's name (null when it has none) and the entry, whether the identity may see it.</param>
    public static byte[]? Filter<TState>(in ReadOnlySequence<byte> payload, string arrayName, TState state, Func<TState, string?, JsonObject, bool> keep, out int hidden, out int total)
    {
        hidden = 0;
        total = 0;
        var reader = new Utf8JsonReader(payload, _readerOptions);
        if (JsonNode.Parse(ref reader) is not JsonObject frame
            || frame["result"] is not JsonObject result
            || result[arrayName] is not JsonArray entries)
        {
            return null;
        }

        total = entries.Count;
        for (var i = entries.Count - 1; i >= 0; i--)
        {
            var entry = entries[i] as JsonObject;
            var name = entry?["name"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
            if (entry is null || !keep(state, name, entry))
            {
                entries.RemoveAt(i);
                hidden++;
            }
        }

        return hidden == 0 ? null : JsonSerializer.SerializeToUtf8Bytes(frame);
    }
}
