using System.Buffers;
using System.Text.Json;

namespace McpGateway.Inspectors.Policy;

/// <summary>Reads the outcome of a <c>tools/call</c> response.</summary>
internal static class ToolCallResult
{
    private static readonly JsonDocumentOptions _options = new() { MaxDepth = 256 };

    /// <summary>True for a JSON-RPC error, and also for a result with <c>"isError": true</c> when <paramref name="includeToolErrors"/>; an unreadable frame counts as a failure.</summary>
    public static bool IsFailure(in ReadOnlySequence<byte> payload, bool includeToolErrors)
    {
        try
        {
            using var document = JsonDocument.Parse(payload, _options);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.TryGetProperty("error", out _))
            {
                return true;
            }

            return !root.TryGetProperty("result", out var result)
                || (includeToolErrors && result.ValueKind == JsonValueKind.Object && result.TryGetProperty("isError", out var isError) && isError.ValueKind == JsonValueKind.True);
        }
        catch (JsonException)
        {
            return true;
        }
    }
}
