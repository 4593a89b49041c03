using System.Buffers;
using System.Text.Json;
using McpGateway.Core.Errors;
using McpGateway.Core.Framing;

namespace McpGateway.Inspectors.Policy;

/// <summary>
/// The server-to-client requests inside a 2026-07-28 multi round-trip result (<c>resultType: "input_required"</c>,
/// <c>inputRequests: { key: { method, params } }</c>). Each entry is judged exactly as the same request sent on its own
/// in the older eras: the check rebuilds that request's frame and hands it to the same policy evaluation.
/// </summary>
/// <remarks>
/// A refused entry fails the whole call rather than being stripped: a stripped question set would make the server's
/// retry run on answers it never got, and the client could not tell. Entries that are not requests MCP defines for
/// this pattern (sampling, elicitation, roots) are a protocol violation of the upstream.
/// </remarks>
internal static class InputRequestsCheck
{
    private static readonly JsonDocumentOptions _options = new() { MaxDepth = 256 };

    /// <summary>The error the call fails with, or null when every entry may reach the client.</summary>
    /// <param name="evaluate">Judges one entry: its method and its rebuilt request frame; null allows it.</param>
    public static GatewayError? FirstRefusal<TState>(in ReadOnlySequence<byte> payload, TState state, Func<TState, string, ReadOnlySequence<byte>, GatewayError?> evaluate)
    {
        using var document = JsonDocument.Parse(payload, _options);
        if (!document.RootElement.TryGetProperty("result", out var result)
            || !result.TryGetProperty("inputRequests", out var entries))
        {
            return null;
        }

        if (entries.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (entries.ValueKind != JsonValueKind.Object)
        {
            return GatewayErrors.UpstreamProtocolViolation;
        }

        foreach (var entry in entries.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Object
                || !entry.Value.TryGetProperty("method", out var methodElement)
                || methodElement.ValueKind != JsonValueKind.String
                || methodElement.GetString() is not (McpMethods.SamplingCreateMessage or McpMethods.ElicitationCreate or McpMethods.RootsList) )
            {
                return GatewayErrors.UpstreamProtocolViolation;
            }

            var method = methodElement.GetString()!;
            if (evaluate(state, method, new ReadOnlySequence<byte>(AsRequest(entry.Name, entry.Value))) is { } refusal)
            {
                return refusal;
            }
        }

        return null;
    }

    // The entry as the request the older eras would have sent: {"jsonrpc":"2.0","id":key,"method":...,"params":...}.
    private static byte[] AsRequest(string key, JsonElement entry)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc", "2.0");
            writer.WriteString("id", key);
            foreach (var member in entry.EnumerateObject())
            {
                if (member.NameEquals("method") || member.NameEquals("params"))
                {
                    member.WriteTo(writer);
                }
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
